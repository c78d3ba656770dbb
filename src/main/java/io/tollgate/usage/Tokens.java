package io.tollgate.usage;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What one exchange used: tokens, images, rerank search units.
 *
 * @param input every input token, cached ones included
 * @param cachedInput the part of {@code input} read from the upstream's prompt cache, when it says so (priced at the
 *        model's cached-input price)
 */
@RegisterForReflection // written to and read from the usage spool with Jackson (native mode too)
public record Tokens(long input, long output, long total, int images, int searchUnits, long cachedInput) {

    public static final Tokens NONE = new Tokens(0, 0, 0, 0, 0, 0);

    public Tokens {
        // an upstream that reports more cached tokens than input tokens is not believed beyond the input
        cachedInput = Math.max(0, Math.min(cachedInput, input));
    }

    public static Tokens of(long input, long output) {
        return new Tokens(input, output, input + output, 0, 0, 0);
    }

    public static Tokens of(long input, long output, long cachedInput) {
        return new Tokens(input, output, input + output, 0, 0, cachedInput);
    }

    /** Heroku's docs: about four characters a token. Only for what an upstream never reported (a cut stream). */
    public static long estimate(long chars) {
        return chars <= 0 ? 0 : (chars + 3) / 4;
    }
}
