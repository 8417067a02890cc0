package io.berth.common.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.contract.Operation;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads request bodies up to {@link ApiRouter#MAX_BODY_BYTES}, or up to an operation's own
 * {@value #EXTENSION} where its document declares one (a week of demand for a scaling plan's dry run does
 * not fit the limit every connect and heartbeat is held to).
 */
final class BodyLimits implements Handler<RoutingContext> {

    static final String EXTENSION = "x-max-body-bytes";
    /** The limit the body of this request was read with, for the 413's wording. */
    static final String LIMIT = "berth.bodyLimit";

    private final ApiContract contract;
    private final BodyHandler standard = BodyHandler.create(false).setBodyLimit(ApiRouter.MAX_BODY_BYTES);
    private final Map<String, Long> declaredLimits;
    private final Map<String, BodyHandler> declaredHandlers = new HashMap<>();

    BodyLimits(ApiContract contract) {
        this.contract = contract;
        this.declaredLimits = declaredLimits(contract);
        declaredLimits.forEach((operationId, limit) ->
                declaredHandlers.put(operationId, BodyHandler.create(false).setBodyLimit(limit)));
    }

    @Override
    public void handle(RoutingContext ctx) {
        Operation operation = declaredLimits.isEmpty() ? null : contract.operationOf(ctx);
        if (operation == null || !declaredLimits.containsKey(operation.getOperationId())) {
            ctx.put(LIMIT, ApiRouter.MAX_BODY_BYTES);
            standard.handle(ctx);
            return;
        }
        ctx.put(LIMIT, declaredLimits.get(operation.getOperationId()));
        declaredHandlers.get(operation.getOperationId()).handle(ctx);
    }

    /** Per operation id, the {@value #EXTENSION} its document declares. */
    private static Map<String, Long> declaredLimits(ApiContract contract) {
        Map<String, Long> limits = new HashMap<>();
        for (ApiContract.WrittenOperation written : contract.operationsAsWritten()) {
            if (written.operation().getValue(EXTENSION) instanceof Number limit) {
                limits.put(written.id(), limit.longValue());
            }
        }
        return Map.copyOf(limits);
    }
}
