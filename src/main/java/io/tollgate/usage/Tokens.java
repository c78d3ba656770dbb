package io.tollgate.usage;

/** What one exchange used: tokens, images, rerank search units. */
public record Tokens(long input, long output, long total, int images, int searchUnits) {

    public static final Tokens NONE = new Tokens(0, 0, 0, 0, 0);

    public static Tokens of(long input, long output) {
        return new Tokens(input, output, input + output, 0, 0);
    }

    /** Heroku's docs: about four characters a token. Only for what an upstream never reported (a cut stream). */
    public static long estimate(long chars) {
        return chars <= 0 ? 0 : (chars + 3) / 4;
    }
}
