package io.berth.common.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatorException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks every request whose method and path match an operation of the service's {@link ApiContract}
 * before the service's own handlers see it; an undocumented request passes through untouched (to a
 * 404/405, or to a management route). A request that fails is a 400 problem whose detail names the field
 * ({@link ValidationWording}).
 */
final class RequestValidation implements Handler<RoutingContext> {

    /** Per path template: the index of each {@code {name}} segment, so a request's path is not split into a map. */
    private static final Map<String, Map<String, Integer>> PATH_SEGMENTS = new ConcurrentHashMap<>();

    private final ApiContract contract;
    /** Per operation id: the validator of its JSON body schema, built once (building one compiles its patterns). */
    private final Map<String, Validator> bodyValidators = new ConcurrentHashMap<>();
    /** Per operation id and parameter: the validator of a string path or header parameter's schema. */
    private final Map<String, Validator> parameterValidators = new ConcurrentHashMap<>();

    /** The ids of the operations whose parameters are all plain strings: those checked on the calling thread. */
    private final Set<String> checkedHere;

    RequestValidation(ApiContract contract) {
        this.contract = contract;
        this.checkedHere = contract.openApi().operations().stream()
                .filter(operation -> operation.getParameters().stream().allMatch(RequestValidation::isPlainStringParameter))
                .map(Operation::getOperationId)
                .collect(Collectors.toUnmodifiableSet());
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
            if (tree != null) {
                ctx.put(RequestBody.PARSED, tree);
            }
        }
        if (checkedHere.contains(operation.getOperationId())) {
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
                        ? ProblemException.badRequest(ValidationWording.detail(invalid, contract.document()))
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
        for (Parameter parameter : operation.getParameters()) {
            boolean inPath = parameter.getIn() == Location.PATH;
            String value = inPath
                    ? pathParameter(operation.getOpenAPIPath(), ctx.normalizedPath(), parameter.getName())
                    : ctx.request().getHeader(parameter.getName());
            if (value == null && inPath) {
                return subject(parameter) + " is not URL-encoded UTF-8";
            }
            if (value == null) {
                if (parameter.isRequired()) {
                    return subject(parameter) + " is required";
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
                String subject = subject(parameter);
                List<OutputUnit> leaves = new ArrayList<>();
                ValidationWording.collectLeaves(result, leaves);
                if (leaves.isEmpty()) {
                    return subject + " does not match its schema";
                }
                OutputUnit leaf = leaves.get(leaves.size() - 1);
                String declared = ValidationWording.declaredDetail(leaf, contract.document());
                return subject + " " + (declared != null ? declared : "is invalid: " + leaf.getError());
            }
        }
        return null;
    }

    /** How a refusal names a parameter; built only for a refusal, not for every request. */
    private static String subject(Parameter parameter) {
        return (parameter.getIn() == Location.PATH ? "path parameter '" : "header '") + parameter.getName() + "'";
    }

    /**
     * The decoded value of a template's {@code {name}} segment in {@code path} (null when that segment does not
     * decode, or the path is shorter). This handler runs before the route that names the segments, so
     * {@code ctx.pathParam} knows none yet; the operation was found by this path, so the segments line up.
     */
    static String pathParameter(String template, String path, String name) {
        Integer index = PATH_SEGMENTS.computeIfAbsent(template, RequestValidation::segmentIndexes).get(name);
        if (index == null) {
            return null;
        }
        int start = 0;
        for (int i = 0; i < index; i++) {
            start = path.indexOf('/', start) + 1;
            if (start == 0) {
                return null;
            }
        }
        int end = path.indexOf('/', start);
        String segment = end < 0 ? path.substring(start) : path.substring(start, end);
        return segment.indexOf('%') < 0 && segment.indexOf('+') < 0 ? segment : decoded(segment);
    }

    private static Map<String, Integer> segmentIndexes(String template) {
        String[] names = template.split("/", -1);
        Map<String, Integer> indexes = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            if (names[i].startsWith("{") && names[i].endsWith("}")) {
                indexes.put(names[i].substring(1, names[i].length() - 1), i);
            }
        }
        return Map.copyOf(indexes);
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
                ctx.fail(RequestBody.bodyRequired());
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
            ctx.fail(ProblemException.badRequest(ValidationWording.describeBody(result, contract.document())));
            return;
        }
        ctx.next();
    }

}
