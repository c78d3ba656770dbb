package io.tollgate.error;

/**
 * The one error body tollgate sends, in OpenAI's format, {@code {"error":{"message","type","param","code"}}}, with
 * Anthropic's envelope marker {@code "type":"error"} beside it: its {@code error.type} values are ones both APIs use,
 * so OpenAI and Anthropic SDKs each read the body as their own.
 */
public record ErrorResponse(String type, Detail error) {

    public ErrorResponse(Detail error) {
        this("error", error);
    }

    public record Detail(String message, String type, String param, String code) {
    }

    public static ErrorResponse of(String message, String type, String code) {
        return new ErrorResponse(new Detail(message, type, null, code));
    }
}
