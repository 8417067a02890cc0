package io.berth.common.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks every request whose method and path match an operation of the service's {@link ApiContract}
 * before the service's own handlers see it; an undocumented request passes through untouched (to a
 * 404/405, or to a management route). A request that fails is a 400 problem whose detail names the field.
 */
final class RequestValidation implements Handler<RoutingContext> {

    private static final Pattern QUOTED_PROPERTY = Pattern.compile("property \"([^\"]*)\"");
    /**
     * A schema's own wording for any value it refuses, e.g. an id schema's "must be at most 256 characters
     * without control characters" whether the length or the pattern failed (the validator's wording names
     * the keyword, not the rule).
     */
    static final String DETAIL_EXTENSION = "x-invalid-detail";

    private final ApiContract contract;

    RequestValidation(ApiContract contract) {
        this.contract = contract;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Operation operation = contract.openApi().findOperation(ctx.normalizedPath(), ctx.request().method());
        if (operation == null) {
            ctx.next();
            return;
        }
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (operation.getRequestBody() != null && body != null && body.length() > 0) {
            // The schema validator reads a field given twice as its last value; refuse such a body before
            // the validator and the handler could each see a different one.
            RequestBody.checkSyntax(body);
        }
        RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(body))
                .compose(request -> contract.validator().validate(request, operation.getOperationId()))
                .onSuccess(validated -> ctx.next())
                .onFailure(failure -> ctx.fail(failure instanceof ValidatorException invalid
                        ? ProblemException.badRequest(detail(invalid, contract.document()))
                        : failure));
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
            if (leaf.getKeywordLocation() != null && leaf.getKeywordLocation().endsWith("/required") && required.find()) {
                String parent = field(leaf.getInstanceLocation());
                return "'" + (parent.isEmpty() ? "" : parent + "/") + required.group(1) + "' is required";
            }
        }
        if (leaves.isEmpty()) {
            return "the request body does not match its schema";
        }
        OutputUnit last = leaves.stream().filter(leaf -> !isAdditionalProperty(leaf))
                .reduce((first, second) -> second).orElse(leaves.get(leaves.size() - 1));
        String where = field(last.getInstanceLocation());
        String declared = declaredDetail(last, document);
        if (declared != null) {
            return "'" + where + "' " + declared;
        }
        return (where.isEmpty() ? "the body" : "'" + where + "'") + ": " + last.getError();
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
