package io.berth.common.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How {@link RequestValidation} words a refusal from vertx-json-schema's errors: the field it names, the
 * schema's own {@value #DETAIL_EXTENSION} wording when it has one, the JSON types a value may have.
 */
final class ValidationWording {

    private static final Pattern QUOTED_PROPERTY = Pattern.compile("property \"([^\"]*)\"");
    private static final Pattern EXPECTED_TYPES = Pattern.compile("Expected (.+)$");
    private static final Map<String, String> JSON_TYPES = Map.of("object", "a JSON object", "array", "an array",
            "string", "a string", "integer", "a whole number", "number", "a number", "boolean", "true or false",
            "null", "null");
    /**
     * A schema's own wording for any value it refuses, e.g. an id schema's "must be at most 256 characters
     * without control characters" whether the length or the pattern failed (the validator's wording names
     * the keyword, not the rule).
     */
    static final String DETAIL_EXTENSION = "x-invalid-detail";

    private ValidationWording() {
    }

    /** What was wrong, naming the field or parameter; the validator's own wording otherwise. */
    static String detail(ValidatorException invalid, JsonObject document) {
        if (invalid instanceof SchemaValidationException schema && invalid.getMessage().startsWith("The value of the request body")) {
            return describeBody(schema.getOutputUnit(), document);
        }
        if (invalid.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER && invalid.getMessage().contains("body")) {
            return "a JSON object body is required";
        }
        return invalid.getMessage();
    }

    static String describeBody(OutputUnit result, JsonObject document) {
        List<OutputUnit> leaves = new ArrayList<>();
        collectLeaves(result, leaves);
        for (OutputUnit leaf : leaves) {
            if (isUnknownField(leaf, leaves)) {
                return "unknown field '" + field(leaf.getInstanceLocation()) + "'";
            }
        }
        for (OutputUnit leaf : leaves) {
            Matcher required = QUOTED_PROPERTY.matcher(String.valueOf(leaf.getError()));
            if (isRequired(leaf) && required.find()) {
                String parent = field(leaf.getInstanceLocation());
                return "'" + (parent.isEmpty() ? "" : parent + "/") + required.group(1) + "' is required"
                        + alsoWrong(leaves, document);
            }
        }
        if (leaves.isEmpty()) {
            return "the request body does not match its schema";
        }
        OutputUnit last = leaves.stream().filter(leaf -> !isAdditionalProperty(leaf))
                .reduce((first, second) -> second).orElse(leaves.get(leaves.size() - 1));
        return describe(last, document);
    }

    /**
     * One failed value: in its schema's {@value #DETAIL_EXTENSION} wording when it has one, a value of the
     * wrong JSON type as the types it may have ("the body must be a JSON object"), else the validator's words.
     */
    private static String describe(OutputUnit leaf, JsonObject document) {
        String where = field(leaf.getInstanceLocation());
        String subject = where.isEmpty() ? "the body" : "'" + where + "'";
        String declared = declaredDetail(leaf, document);
        if (declared != null) {
            return subject + " " + declared;
        }
        Matcher expected = EXPECTED_TYPES.matcher(String.valueOf(leaf.getError()));
        if (String.valueOf(leaf.getKeywordLocation()).endsWith("/type") && expected.find()) {
            return subject + " must be " + Arrays.stream(expected.group(1).split(",\\s*"))
                    .map(type -> JSON_TYPES.getOrDefault(type, type)).collect(Collectors.joining(" or "));
        }
        return subject + ": " + leaf.getError();
    }

    /** What else a body missing a required field got wrong, so that one answer names every field to fix. */
    private static String alsoWrong(List<OutputUnit> leaves, JsonObject document) {
        List<String> others = leaves.stream().filter(leaf -> !isRequired(leaf) && !isAdditionalProperty(leaf))
                .map(leaf -> describe(leaf, document)).distinct().toList();
        return others.isEmpty() ? "" : "; " + String.join("; ", others);
    }

    private static boolean isRequired(OutputUnit unit) {
        return unit.getKeywordLocation() != null && unit.getKeywordLocation().endsWith("/required");
    }

    /** The {@value #DETAIL_EXTENSION} of the schema holding the failing keyword, or null. */
    static String declaredDetail(OutputUnit leaf, JsonObject document) {
        String location = leaf.getAbsoluteKeywordLocation();
        int fragment = location == null ? -1 : location.indexOf('#');
        if (fragment < 0) {
            return null;
        }
        // "#/components/schemas/UserId/maxLength": the schema is everything before the keyword.
        String[] segments = location.substring(fragment + 1).split("/");
        Object node = document;
        for (int i = 1; i < segments.length - 1 && node != null; i++) {
            String segment = segments[i].replace("~1", "/").replace("~0", "~");
            if (node instanceof JsonObject object) {
                node = object.getValue(segment);
            } else if (node instanceof JsonArray array && segment.matches("\\d+")
                    && Integer.parseInt(segment) < array.size()) {
                node = array.getValue(Integer.parseInt(segment));
            } else {
                node = null;
            }
        }
        return node instanceof JsonObject schema && schema.getValue(DETAIL_EXTENSION) instanceof String detail
                ? detail : null;
    }

    /**
     * A field the schema does not define. The validator also reports a defined field whose value failed
     * as not allowed by {@code additionalProperties}; that one has an error of its own at or below it.
     */
    private static boolean isUnknownField(OutputUnit leaf, List<OutputUnit> leaves) {
        if (!isAdditionalProperty(leaf)) {
            return false;
        }
        String location = String.valueOf(leaf.getInstanceLocation());
        return leaves.stream().filter(other -> !isAdditionalProperty(other))
                .map(other -> String.valueOf(other.getInstanceLocation()))
                .noneMatch(other -> other.equals(location) || other.startsWith(location + "/"));
    }

    private static boolean isAdditionalProperty(OutputUnit unit) {
        String keyword = String.valueOf(unit.getKeywordLocation());
        return keyword.endsWith("/additionalProperties") || keyword.endsWith("/unevaluatedProperties");
    }

    /** The innermost errors: those that explain, not those that say a sub-schema had errors. */
    static void collectLeaves(OutputUnit unit, List<OutputUnit> leaves) {
        List<OutputUnit> errors = unit.getErrors();
        if (errors == null || errors.isEmpty()) {
            if (unit.getError() != null) {
                leaves.add(unit);
            }
            return;
        }
        for (OutputUnit error : errors) {
            collectLeaves(error, leaves);
        }
    }

    /** A JSON pointer ("/healthChecks/0/name") as a field path ("healthChecks/0/name"). */
    private static String field(String instanceLocation) {
        if (instanceLocation == null || instanceLocation.isEmpty() || instanceLocation.equals("/")) {
            return "";
        }
        String path = instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
        path = path.startsWith("/") ? path.substring(1) : path;
        return path.replace("~1", "/").replace("~0", "~");
    }
}
