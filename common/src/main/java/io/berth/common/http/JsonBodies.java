package io.berth.common.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.common.ids.UserIds;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Strict reading of JSON request bodies at the edge: each getter either returns a value of the expected
 * type or throws a 400 {@link ProblemException} that names the field. Unknown fields are ignored; a field
 * that appears twice in one object is refused, since two readers of such a body (a proxy, a logger, this
 * service) may each believe a different value.
 *
 * @deprecated requests are validated from the service's OpenAPI document ({@link ApiContract}) and read
 *     with {@link RequestBody#read}; this goes once no service calls it.
 */
@Deprecated(forRemoval = true)
public final class JsonBodies {

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBodies() {
    }

    /** The body as a JSON object; 400 when it is missing, not JSON, or not an object. */
    public static JsonObject object(RoutingContext ctx) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw ProblemException.badRequest("a JSON object body is required");
        }
        Object parsed;
        try {
            parsed = STRICT.readValue(body.getBytes(), Object.class);
        } catch (IOException e) {
            boolean duplicate = e instanceof JacksonException jackson
                    && String.valueOf(jackson.getOriginalMessage()).startsWith("Duplicate field");
            throw ProblemException.badRequest(duplicate
                    ? "the body is not valid JSON: an object has the same field twice"
                    : "the body is not valid JSON");
        }
        if (parsed instanceof Map<?, ?> map) {
            parsed = new JsonObject(castMap(map));
        }
        if (!(parsed instanceof JsonObject json)) {
            throw ProblemException.badRequest("the body must be a JSON object");
        }
        return json;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    public static String requiredString(JsonObject json, String field) {
        return optionalString(json, field)
                .orElseThrow(() -> ProblemException.badRequest("'" + field + "' is required (a non-empty string)"));
    }

    public static Optional<String> optionalString(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw ProblemException.badRequest("'" + field + "' must be a string");
        }
        if (text.isBlank()) {
            throw ProblemException.badRequest("'" + field + "' must not be empty");
        }
        if (text.length() > 1024) {
            throw ProblemException.badRequest("'" + field + "' is longer than 1024 characters");
        }
        return Optional.of(text);
    }

    /** A user or group id ({@link UserIds}): a non-empty string of at most 256 characters, no control characters. */
    public static String requiredUserId(JsonObject json, String field) {
        String id = requiredString(json, field);
        UserIds.violation(field, id).ifPresent(violation -> {
            throw ProblemException.badRequest(violation);
        });
        return id;
    }

    public static boolean requiredBoolean(JsonObject json, String field) {
        return optionalBoolean(json, field)
                .orElseThrow(() -> ProblemException.badRequest("'" + field + "' is required (true or false)"));
    }

    public static Optional<Boolean> optionalBoolean(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Boolean flag)) {
            throw ProblemException.badRequest("'" + field + "' must be true or false");
        }
        return Optional.of(flag);
    }

    public static int requiredInt(JsonObject json, String field, int min, int max) {
        return optionalInt(json, field, min, max)
                .orElseThrow(() -> ProblemException.badRequest("'" + field + "' is required (a whole number from "
                        + min + " to " + max + ")"));
    }

    public static Optional<Integer> optionalInt(JsonObject json, String field, int min, int max) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        // JSON has one number type: 5 and 5.0 are the same whole number, 5.5 is not one.
        if (!(value instanceof Number number) || Double.isInfinite(number.doubleValue())
                || number.doubleValue() != Math.rint(number.doubleValue())) {
            throw ProblemException.badRequest("'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return Optional.of(checkRange(field, number.doubleValue(), min, max));
    }

    private static int checkRange(String field, double value, int min, int max) {
        if (value < min || value > max) {
            throw ProblemException.badRequest("'" + field + "' must be from " + min + " to " + max + ", was "
                    + (value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value)));
        }
        return (int) value;
    }

    public static <E extends Enum<E>> E requiredEnum(JsonObject json, String field, Class<E> type) {
        return optionalEnum(json, field, type)
                .orElseThrow(() -> ProblemException.badRequest("'" + field + "' is required (one of "
                        + names(type) + ")"));
    }

    public static <E extends Enum<E>> Optional<E> optionalEnum(JsonObject json, String field, Class<E> type) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(parseEnum(value, field, type));
    }

    /** Parses a query parameter or field value into an enum; 400 naming the allowed values otherwise. */
    public static <E extends Enum<E>> E parseEnum(Object value, String field, Class<E> type) {
        if (value instanceof String text) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(text)) {
                    return constant;
                }
            }
        }
        throw ProblemException.badRequest("'" + field + "' must be one of " + names(type) + ", was " + describe(value));
    }

    /** A list of non-empty strings; an absent field is an empty list. */
    public static List<String> stringList(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw ProblemException.badRequest("'" + field + "' must be an array of strings");
        }
        List<String> result = new ArrayList<>(array.size());
        for (Object item : array) {
            if (!(item instanceof String text) || text.isBlank()) {
                throw ProblemException.badRequest("'" + field + "' must contain only non-empty strings");
            }
            result.add(text);
        }
        return List.copyOf(result);
    }

    /** A nested JSON array field; 400 when present and not an array. */
    public static Optional<JsonArray> optionalArray(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof JsonArray array)) {
            throw ProblemException.badRequest("'" + field + "' must be an array");
        }
        return Optional.of(array);
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }

    private static String describe(Object value) {
        return value instanceof String text ? "'" + text + "'" : String.valueOf(value);
    }
}
