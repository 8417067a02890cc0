package io.berth.common.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.berth.common.events.EventCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.UncheckedIOException;

/**
 * The one writer of successful JSON answers: records and collections through Berth's JSON mapper, a
 * {@link JsonObject} (a document already in JSON form) as it is.
 */
public final class JsonAnswers {

    private JsonAnswers() {
    }

    public static void send(RoutingContext ctx, int status, Object body) {
        send(ctx, status, "application/json", body);
    }

    /** An answer of a more specific JSON media type (e.g. {@code application/jwk-set+json}). */
    public static void send(RoutingContext ctx, int status, String mediaType, Object body) {
        if (body instanceof JsonObject json) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", mediaType).end(json.toBuffer());
            return;
        }
        byte[] bytes;
        try {
            bytes = EventCodec.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // Answers are records of known types; failing to serialise one is a programming error.
            throw new UncheckedIOException(e);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", mediaType).end(Buffer.buffer(bytes));
    }
}
