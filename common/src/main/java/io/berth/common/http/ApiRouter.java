package io.berth.common.http;

import io.berth.common.config.HttpConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A router with what every Berth API shares: request ids (the caller's when safe), a deadline for a request
 * to arrive in full, JSON-only bodies, a 64 KiB body limit (unless an operation declares
 * {@code x-max-body-bytes}), validation of every documented request against
 * the service's OpenAPI document (served at {@value #OPENAPI_PATH}), and one failure handler that turns
 * bad input into a 4xx problem and anything unexpected into a logged 500 with the request id.
 */
public final class ApiRouter {

    public static final String REQUEST_ID = "berth.requestId";
    public static final long MAX_BODY_BYTES = 64 * 1024;
    public static final String OPENAPI_PATH = "/api/v1/openapi.json";
    private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private ApiRouter() {
    }

    /**
     * A router whose requests must arrive in full within {@code requestDeadline} and, when they match an
     * operation of {@code contract}, fit it before any handler the service mounts runs; the document is
     * served, without a token, at {@value #OPENAPI_PATH}.
     */
    public static Router create(Vertx vertx, Duration requestDeadline, ApiContract contract) {
        Objects.requireNonNull(contract, "contract");
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            String requestId = requestId(ctx.request().getHeader("X-Request-Id"));
            ctx.put(REQUEST_ID, requestId);
            ctx.response().putHeader("X-Request-Id", requestId);
            if (!hasDecodablePath(ctx)) {
                Problems.send(ctx, 400, "Bad Request", "the request path is not valid percent-encoding");
                return;
            }
            ctx.next();
        });
        router.route().handler(ctx -> cutAtDeadline(vertx, ctx, requestDeadline));
        router.route().handler(ApiRouter::requireJsonBody);
        router.route().handler(new BodyLimits(contract));
        router.route().handler(new RequestValidation(contract));
        router.get(OPENAPI_PATH).handler(ctx -> JsonAnswers.send(ctx, 200, contract.document()));
        router.route().failureHandler(ApiRouter::handleFailure);
        router.errorHandler(404, ctx -> Problems.send(ctx, 404, "Not Found", "no such resource: " + ctx.normalizedPath()));
        router.errorHandler(405, ctx -> Problems.send(ctx, 405, "Method Not Allowed",
                ctx.request().method() + " is not allowed on " + ctx.normalizedPath()));
        return router;
    }

    /**
     * The caller's request id when it is short and made of safe characters (it is echoed in a header, in
     * problems and in logs), else a fresh one.
     */
    static String requestId(String offered) {
        return offered != null && SAFE_REQUEST_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }

    /**
     * A body that has not arrived in full by the deadline is cut: 408, and the connection is closed (its
     * remaining bytes would otherwise be read as the next request). Without it a client that announces a
     * body and then trickles or withholds it holds a connection and a body buffer for as long as it likes;
     * the idle timeout alone does not stop one that sends a byte now and then.
     */
    private static void cutAtDeadline(Vertx vertx, RoutingContext ctx, Duration deadline) {
        HttpServerRequest request = ctx.request();
        if (!request.isEnded()) {
            long timer = vertx.setTimer(deadline.toMillis(), id -> {
                if (request.isEnded() || ctx.response().headWritten()) {
                    return;
                }
                LOG.debug("Request {} {} {} cut: not received in full within {} ms", ctx.get(REQUEST_ID),
                        request.method(), request.path(), deadline.toMillis());
                ctx.addEndHandler(written -> request.connection().close());
                Problems.send(ctx, 408, "Request Timeout", "the request did not arrive in full within "
                        + deadline.toMillis() + " ms", Map.of("Connection", "close"));
            });
            request.end().onComplete(received -> vertx.cancelTimer(timer));
        }
        ctx.next();
    }

    /**
     * Every Berth API reads JSON: a body of another media type is refused (415) before it is read, so that
     * nothing parses it as JSON by accident.
     */
    private static void requireJsonBody(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        boolean hasBody = request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || (length != null && !length.trim().equals("0"));
        if (hasBody && !isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
            Problems.send(ctx, 415, "Unsupported Media Type", "the request body must be application/json");
            return;
        }
        ctx.next();
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim();
        return mediaType.equalsIgnoreCase("application/json");
    }

    /**
     * Writes any failure as a problem. Only bad input is a 4xx: a {@link ProblemException}, a body that is
     * not JSON, or a status the router set (404, 405, 413...). Anything else, an IllegalArgumentException
     * from a handler included, is a bug: logged once with the request id and answered 500.
     */
    public static void handleFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof HttpClosedException || failure instanceof StreamResetException
                || (failure instanceof IOException && !ctx.request().isEnded())) {
            // The client hung up or reset the connection while sending its request: nobody is left to
            // answer, and it is not the server's fault.
            LOG.debug("Request {} {} {}: the client closed the connection", ctx.get(REQUEST_ID),
                    ctx.request().method(), ctx.normalizedPath());
            return;
        }
        if (failure instanceof ProblemException problem) {
            Problems.send(ctx, problem);
            return;
        }
        if (failure instanceof DecodeException) {
            Problems.send(ctx, 400, "Bad Request", "the request body is not valid JSON of the expected shape");
            return;
        }
        int status = ctx.statusCode();
        if (failure instanceof HttpException http) {
            status = http.getStatusCode();
        }
        if (status == 413) {
            Problems.send(ctx, 413, "Content Too Large", "the request body is larger than "
                    + ctx.<Long>get(BodyLimits.LIMIT, MAX_BODY_BYTES) + " bytes");
            return;
        }
        if (status >= 400 && status < 500) {
            Problems.send(ctx, status, reason(status), reason(status));
            return;
        }
        LOG.error("Request {} {} {} failed", ctx.get(REQUEST_ID), ctx.request().method(), ctx.normalizedPath(), failure);
        Problems.send(ctx, 500, "Internal Server Error", "the server failed; request id " + ctx.get(REQUEST_ID));
    }

    /**
     * Whether the path decodes; Vert.x refuses a malformed escape ("%zz") with an exception each time the
     * path is read, which would otherwise surface as a 500 from whichever handler reads it first.
     */
    private static boolean hasDecodablePath(RoutingContext ctx) {
        try {
            ctx.normalizedPath();
            return true;
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            default -> "Client Error";
        };
    }
}
