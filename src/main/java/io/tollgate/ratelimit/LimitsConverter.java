package io.tollgate.ratelimit;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Stores {@link Limits} as JSON text (the {@code limits} columns of tenant and api_key). */
@Converter
public class LimitsConverter implements AttributeConverter<Limits, String> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String convertToDatabaseColumn(Limits limits) {
        return toJson(limits);
    }

    @Override
    public Limits convertToEntityAttribute(String json) {
        return fromJson(json);
    }

    public static String toJson(Limits limits) {
        if (limits == null || limits.isUnlimited()) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(limits);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Limits fromJson(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return MAPPER.readValue(json, Limits.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable limits in the database", e);
        }
    }
}
