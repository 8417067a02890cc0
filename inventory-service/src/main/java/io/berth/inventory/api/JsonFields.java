package io.berth.inventory.api;

import io.berth.common.http.ProblemException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Strict, typed reading of one parsed JSON object (as plain maps, lists, strings, numbers and booleans).
 * Every mistake is a {@link ProblemException 400} whose detail names the field and what was expected, so
 * an admin sees at once what to fix. Unknown fields are refused: a misspelt optional field would
 * otherwise silently fall back to its default.
 */
final class JsonFields {

    private final String context;
    private final Map<String, Object> fields;

    private JsonFields(String context, Map<String, Object> fields) {
        this.context = context;
        this.fields = fields;
    }

    /** Reads {@code body}, which must be a JSON object with no fields other than {@code allowed}. */
    public static JsonFields of(String context, Object body, Set<String> allowed) {
        if (!(body instanceof Map<?, ?> map)) {
            throw ProblemException.badRequest(context + " must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) map;
        Set<String> unknown = new TreeSet<>(fields.keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw ProblemException.badRequest(context + " has unknown field(s) " + unknown + "; allowed: "
                    + new TreeSet<>(allowed));
        }
        return new JsonFields(context, fields);
    }

    /** Reads {@code body}, which must be a JSON object; fields not asked for are ignored. */
    public static JsonFields tolerant(String context, Object body) {
        if (!(body instanceof Map<?, ?> map)) {
            throw ProblemException.badRequest(context + " must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) map;
        return new JsonFields(context, fields);
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    public String requiredString(String name) {
        Object value = required(name);
        if (!(value instanceof String text) || text.isBlank()) {
            throw wrong(name, "a non-empty string");
        }
        return text;
    }

    /** A string that may be absent or {@code null} (both give {@code null}). */
    public String optionalString(String name) {
        Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw wrong(name, "a non-empty string or null");
        }
        return text;
    }

    /** Free text that may be absent, {@code null} or empty. */
    public String optionalText(String name) {
        Object value = fields.get(name);
        if (value != null && !(value instanceof String)) {
            throw wrong(name, "a string or null");
        }
        return (String) value;
    }

    public boolean requiredBoolean(String name) {
        Object value = required(name);
        if (!(value instanceof Boolean flag)) {
            throw wrong(name, "true or false");
        }
        return flag;
    }

    public int requiredInt(String name, int min, int max) {
        return toInt(name, required(name), min, max);
    }

    public int optionalInt(String name, int defaultValue, int min, int max) {
        Object value = fields.get(name);
        return value == null ? defaultValue : toInt(name, value, min, max);
    }

    public <E extends Enum<E>> E requiredEnum(String name, Class<E> type) {
        Object value = required(name);
        String expected = "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name)
                .collect(Collectors.joining(", "));
        if (!(value instanceof String text)) {
            throw wrong(name, expected);
        }
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            throw wrong(name, expected);
        }
    }

    /** An array of non-empty strings, duplicates dropped, order kept; absent or null is empty. */
    public List<String> stringList(String name) {
        Object value = fields.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw wrong(name, "an array of strings");
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (Object item : items) {
            if (!(item instanceof String text) || text.isBlank()) {
                throw wrong(name, "an array of non-empty strings");
            }
            distinct.add(text);
        }
        return List.copyOf(distinct);
    }

    /** An array of JSON objects, each read by {@code reader}; absent or null is empty. */
    public <T> List<T> objectList(String name, Function<Object, T> reader) {
        Object value = fields.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw wrong(name, "an array of objects");
        }
        List<T> result = new ArrayList<>(items.size());
        for (Object item : items) {
            result.add(reader.apply(item));
        }
        return List.copyOf(result);
    }

    private Object required(String name) {
        if (!fields.containsKey(name)) {
            throw ProblemException.badRequest(context + " is missing the required field " + name);
        }
        Object value = fields.get(name);
        if (value == null) {
            throw ProblemException.badRequest(context + " field " + name + " must not be null");
        }
        return value;
    }

    private int toInt(String name, Object value, int min, int max) {
        String expected = "a whole number between " + min + " and " + max;
        long number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = ((Number) value).longValue();
        } else if (value instanceof BigInteger big) {
            throw wrong(name, expected + ", was " + big);
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            // JSON has one number type: 5 and 5.0 are the same whole number, 5.5 is not one.
            double real = ((Number) value).doubleValue();
            if (Double.isInfinite(real) || Double.isNaN(real) || real != Math.rint(real)) {
                throw wrong(name, expected);
            }
            if (real < min || real > max) {
                throw wrong(name, expected + ", was " + real);
            }
            return (int) real;
        } else {
            throw wrong(name, expected);
        }
        if (number < min || number > max) {
            throw wrong(name, expected + ", was " + number);
        }
        return (int) number;
    }

    private ProblemException wrong(String name, String expected) {
        return ProblemException.badRequest(context + " field " + name + " must be " + expected);
    }
}
