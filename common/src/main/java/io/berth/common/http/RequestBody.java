package io.berth.common.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.berth.common.events.EventCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Reads a request body, already checked against the service's OpenAPI document, into a record with
 * Berth's JSON mapper. Strict where the events are tolerant: an unknown field, a field given twice or
 * trailing data is a 400 {@link ProblemException}, since two readers of such a body (a proxy, a logger,
 * this service) may each believe a different value.
 */
public final class RequestBody {

    private static final ObjectMapper STRICT = EventCodec.mapper().copy()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Reads one JSON value as a tree and leaves what follows it to {@link #parse}, which words that refusal. */
    private static final ObjectReader TREE = STRICT.readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestBody() {
    }

    /** Where {@link RequestValidation} leaves the tree it parsed the body into, for {@link #read} to map. */
    static final String PARSED = "berth.parsedBody";

    /**
     * The body as a {@code type}; 400 when it is missing, not JSON, or does not fit the record. A body the
     * request's validation already parsed is mapped from that tree rather than parsed a second time.
     */
    public static <T> T read(RoutingContext ctx, Class<T> type) {
        JsonNode parsed = ctx.get(PARSED);
        if (parsed != null) {
            return read(parsed, type);
        }
        return read(ctx.body() == null ? null : ctx.body().buffer(), type);
    }

    /** A tree {@link #parse} returned (well-formed, no field twice, nothing after it) as a {@code type}. */
    static <T> T read(JsonNode tree, Class<T> type) {
        if (tree.isNull()) {
            throw bodyRequired();
        }
        try {
            return STRICT.treeToValue(tree, type);
        } catch (IOException e) {
            throw ProblemException.badRequest(describe(e));
        }
    }

    static <T> T read(Buffer body, Class<T> type) {
        if (body == null || body.length() == 0) {
            throw bodyRequired();
        }
        try {
            T value = STRICT.readValue(body.getBytes(), type);
            if (value == null) {
                throw bodyRequired();
            }
            return value;
        } catch (IOException e) {
            throw ProblemException.badRequest(describe(e));
        }
    }

    /**
     * The body as a JSON tree; refuses one that is not one well-formed JSON value, or that gives a field twice.
     * Null for a body of white space only (the schema check then refuses it).
     */
    static JsonNode parse(Buffer body) {
        try (JsonParser parser = STRICT.createParser(body.getBytes())) {
            JsonNode tree = parser.nextToken() == null ? null : TREE.readValue(parser);
            if (parser.nextToken() != null) {
                throw ProblemException.badRequest("the body is not valid JSON: data after the JSON value");
            }
            return tree;
        } catch (IOException e) {
            throw ProblemException.badRequest(describe(e));
        }
    }

    /** The refusal of a request that has no body, or whose body is JSON {@code null}. */
    static ProblemException bodyRequired() {
        return ProblemException.badRequest("a JSON object body is required");
    }

    private static String describe(IOException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + path(unknown) + "'";
        }
        if (e instanceof JacksonException jackson
                && String.valueOf(jackson.getOriginalMessage()).startsWith("Duplicate field")) {
            return "the body is not valid JSON: an object has the same field twice";
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return "'" + path(mapping) + "' does not have the expected type or value";
        }
        return "the body is not valid JSON";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                .collect(Collectors.joining("/"));
    }
}
