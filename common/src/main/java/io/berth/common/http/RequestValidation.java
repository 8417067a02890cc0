package io.berth.common.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks every request whose method and path match an operation of the service's {@link ApiContract}
 * before the service's own handlers see it; an undocumented request passes through untouched (to a
 * 404/405, or to a management route). A request that fails is a 400 problem whose detail names the field.
 */
final class RequestValidation implements Handler<RoutingContext> {

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

    private final ApiContract contract;
    /** Per operation id: the validator of its JSON body schema, built once (building one compiles its patterns). */
    private final Map<String, Validator> bodyValidators = new ConcurrentHashMap<>();
    /** Per operation id and parameter: the validator of a string path or header parameter's schema. */
    private final Map<String, Validator> parameterValidators = new ConcurrentHashMap<>();

    RequestValidation(ApiContract contract) {
        this.contract = contract;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Operation operation = contract.operationOf(ctx);
        if (operation == null) {
            ctx.next();
            return;
        }
        if (ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null && contract.requiresToken(operation)) {
            // A caller without a token hears 401 from the route's own authentication, whatever its body:
            // the token is checked first on every protected endpoint.
            ctx.next();
            return;
        }
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        JsonNode tree = null;
        if (operation.getRequestBody() != null && body != null && body.length() > 0) {
            // The schema validator reads a field given twice as its last value; refuse such a body before
            // the validator and the handler could each see a different one.
            tree = RequestBody.parse(body);
        }
        if (operation.getParameters().stream().allMatch(RequestValidation::isPlainStringParameter)) {
            String invalidParameter = invalidParameter(ctx, operation);
            if (invalidParameter != null) {
                ctx.fail(ProblemException.badRequest(invalidParameter));
                return;
            }
            validateBodyHere(ctx, operation, body, tree);
            return;
        }
        // Operations with query (or non-string) parameters go through vertx-openapi's validator, which
        // parses styles and types but hops to a worker thread for each request; none of them is on a hot path.
        RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(body))
                .compose(request -> contract.validator().validate(request, operation.getOperationId()))
                .onSuccess(validated -> ctx.next())
                .onFailure(failure -> ctx.fail(failure instanceof ValidatorException invalid
                        ? ProblemException.badRequest(detail(invalid, contract.document()))
                        : failure));
    }

    /** A string in the path or a header: its value is the text as it stands, no style to parse. */
    private static boolean isPlainStringParameter(Parameter parameter) {
        return (parameter.getIn() == Location.PATH || parameter.getIn() == Location.HEADER)
                && parameter.getSchemaType() == SchemaType.STRING;
    }

    /**
     * What is wrong with a path or header parameter (an agent's session id in
     * {@code /agent/sessions/{sessionId}/events}, a connect's {@code Idempotency-Key}), checked against its
     * schema here rather than on a worker; null when every one fits.
     */
    private String invalidParameter(RoutingContext ctx, Operation operation) {
        Map<String, String> pathValues = null;
        for (Parameter parameter : operation.getParameters()) {
            boolean inPath = parameter.getIn() == Location.PATH;
            if (inPath && pathValues == null) {
                pathValues = pathParameters(operation.getOpenAPIPath(), ctx.normalizedPath());
            }
            String subject = (inPath ? "path parameter '" : "header '") + parameter.getName() + "'";
            String value = inPath ? pathValues.get(parameter.getName()) : ctx.request().getHeader(parameter.getName());
            if (value == null && inPath) {
                return subject + " is not URL-encoded UTF-8";
            }
            if (value == null) {
                if (parameter.isRequired()) {
                    return subject + " is required";
                }
                continue;
            }
            if (contract.compiledSchemas().acceptsParameter(operation.getOperationId(), parameter.getIn().name(),
                    parameter.getName(), value)) {
                continue;
            }
            Validator validator = parameterValidators.computeIfAbsent(
                    operation.getOperationId() + "/" + parameter.getIn() + "/" + parameter.getName(),
                    key -> contract.openApi().getSchemaRepository().validator(parameter.getSchema()));
            OutputUnit result = validator.validate(value);
            if (Boolean.FALSE.equals(result.getValid())) {
                List<OutputUnit> leaves = new ArrayList<>();
                collectLeaves(result, leaves);
                if (leaves.isEmpty()) {
                    return subject + " does not match its schema";
                }
                OutputUnit leaf = leaves.get(leaves.size() - 1);
                String declared = declaredDetail(leaf, contract.document());
                return subject + " " + (declared != null ? declared : "is invalid: " + leaf.getError());
            }
        }
        return null;
    }

    /**
     * The path's values of a template's {@code {name}} segments, decoded (null for a segment that does not
     * decode). This handler runs before the route that names them, so {@code ctx.pathParam} knows none yet;
     * the operation was found by this path, so the segments line up.
     */
    static Map<String, String> pathParameters(String template, String path) {
        String[] names = template.split("/", -1);
        String[] segments = path.split("/", -1);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < names.length && i < segments.length; i++) {
            if (names[i].startsWith("{") && names[i].endsWith("}")) {
                values.put(names[i].substring(1, names[i].length() - 1), decoded(segments[i]));
            }
        }
        return values;
    }

    private static String decoded(String segment) {
        try {
            // A '+' in a path is a plus, not the space it is in a form.
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /**
     * Checks the JSON body of an operation without query parameters (connect, session reports, heartbeats: the
     * hot paths) on the calling thread, with the same schemas and wording as the generic validator but without its hop
     * to a worker thread and back, which also ran one request of an event loop at a time. The compiled schemas
     * accept a valid body; only a body they refuse goes through vertx-json-schema, for its errors.
     */
    private void validateBodyHere(RoutingContext ctx, Operation operation, Buffer body, JsonNode tree) {
        io.vertx.openapi.contract.RequestBody declared = operation.getRequestBody();
        if (declared == null) {
            ctx.next();
            return;
        }
        if (body == null || body.length() == 0) {
            if (declared.isRequired()) {
                ctx.fail(ProblemException.badRequest("a JSON object body is required"));
            } else {
                ctx.next();
            }
            return;
        }
        MediaType json = declared.getContent().get(MediaType.APPLICATION_JSON);
        if (json == null || json.getSchema() == null) {
            ctx.next();
            return;
        }
        if (tree != null && contract.compiledSchemas().acceptsBody(operation.getOperationId(), tree)) {
            ctx.next();
            return;
        }
        Validator validator = bodyValidators.computeIfAbsent(operation.getOperationId(),
                id -> contract.openApi().getSchemaRepository().validator(json.getSchema()));
        OutputUnit result = validator.validate(Json.decodeValue(body));
        if (Boolean.FALSE.equals(result.getValid())) {
            ctx.fail(ProblemException.badRequest(describeBody(result, contract.document())));
            return;
        }
        ctx.next();
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

    private static String describeBody(OutputUnit result, JsonObject document) {
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
    private static String declaredDetail(OutputUnit leaf, JsonObject document) {
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
    private static void collectLeaves(OutputUnit unit, List<OutputUnit> leaves) {
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
