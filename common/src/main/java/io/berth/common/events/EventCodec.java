package io.berth.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON codec for Berth's events: records in, UTF-8 JSON bytes out, and back. Unknown fields are
 * ignored (newer writers may add some); anything else that does not fit the record is a
 * {@link MalformedEventException}. Thread-safe.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            // After JavaTimeModule, so that the canonical timestamps Berth writes skip the JDK's formatter.
            .addModule(new CanonicalInstantModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private EventCodec() {
    }

    /** The mapper configured for Berth's JSON, for HTTP bodies that share the event shapes. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Event event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            // Records of known types always serialise; failing here is a programming error.
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes one record. A {@code null} value is a tombstone and must be handled by the caller before
     * decoding.
     */
    public static <T extends Event> T decode(byte[] json, Class<T> type) throws MalformedEventException {
        if (json == null) {
            throw new MalformedEventException("null value where a " + type.getSimpleName() + " was expected");
        }
        try {
            T event = MAPPER.readValue(json, type);
            if (event == null) {
                throw new MalformedEventException("JSON null where a " + type.getSimpleName() + " was expected");
            }
            return event;
        } catch (IOException | RuntimeException e) {
            throw new MalformedEventException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
