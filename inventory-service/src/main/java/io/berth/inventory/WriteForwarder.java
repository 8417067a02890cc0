package io.berth.inventory;

import io.berth.common.http.ProblemException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Passes a write request an instance that is not the writer received on to the writer, and the writer's
 * answer back unchanged. A forwarded request carries {@value #FORWARDED_HEADER}, and an instance never
 * forwards such a request again (it answers 503 instead), so a request makes at most one hop. The writer
 * checks the token, decides and answers; nothing is changed here.
 */
final class WriteForwarder implements AutoCloseable {

    static final String FORWARDED_HEADER = "X-Berth-Forwarded";
    /** Under the 10 s in which any write must be answered (DESIGN.md 7.1). */
    private static final long TIMEOUT_MS = 8_000;
    private static final List<CharSequence> REQUEST_HEADERS = List.of(HttpHeaders.AUTHORIZATION,
            HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT, "X-Request-Id");
    private static final List<CharSequence> ANSWER_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, "Retry-After",
            HttpHeaders.LOCATION);

    private final HttpClientAgent client;

    WriteForwarder(Vertx vertx) {
        client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000).setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(64));
    }

    /** Whether this request was already forwarded once. */
    static boolean wasForwarded(RoutingContext ctx) {
        return ctx.request().getHeader(FORWARDED_HEADER) != null;
    }

    void forward(RoutingContext ctx, String writerUrl) {
        RequestOptions options = new RequestOptions()
                .setMethod(ctx.request().method())
                .setAbsoluteURI(writerUrl + ctx.request().uri())
                .setTimeout(TIMEOUT_MS)
                .putHeader(FORWARDED_HEADER, "1");
        for (CharSequence header : REQUEST_HEADERS) {
            String value = ctx.request().getHeader(header);
            if (value != null) {
                options.putHeader(header, value);
            }
        }
        Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
        client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(answer -> {
                    ctx.response().setStatusCode(response.statusCode());
                    for (CharSequence header : ANSWER_HEADERS) {
                        String value = response.getHeader(header);
                        if (value != null) {
                            ctx.response().putHeader(header, value);
                        }
                    }
                    return answer;
                }))
                .onSuccess(answer -> ctx.response().end(answer))
                .onFailure(failure -> ctx.fail(ProblemException.unavailable("the inventory writer at " + writerUrl
                        + " did not answer (" + failure.getClass().getSimpleName() + "); another instance takes over"
                        + " within seconds, retry", ChangePublisher.WRITER_CHANGE_RETRY_AFTER_SECONDS)));
    }

    @Override
    public void close() {
        client.close();
    }
}
