package io.berth.common.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;

import java.io.IOException;
import java.time.Instant;

/**
 * Reads and writes {@link Instant}s in their canonical form ({@link CanonicalInstant}) without the JDK's
 * formatter, and hands every other value to {@link JavaTimeModule}'s own {@code Instant} deserializer and
 * serializer. What is accepted, what is rejected (and with which message) and what is written are therefore
 * exactly what they were with {@link JavaTimeModule} alone: offsets, other fraction lengths, lowercase
 * letters, leap seconds, numbers and numeric strings all still go through it. Register it after
 * {@link JavaTimeModule}, so that its handlers win.
 */
final class CanonicalInstantModule extends SimpleModule {

    CanonicalInstantModule() {
        super("berth-canonical-instant");
        addDeserializer(Instant.class, new Reader(InstantDeserializer.INSTANT));
        addSerializer(Instant.class, new Writer(InstantSerializer.INSTANCE));
    }

    /**
     * Whether a format override says nothing (the fallbacks then behave as configured globally; they answer a
     * copy of themselves even for an empty override, so their answer cannot tell).
     */
    private static boolean isPlain(JsonFormat.Value format) {
        return format == null || JsonFormat.Value.empty().equals(format);
    }

    private static final class Reader extends StdScalarDeserializer<Instant> implements ContextualDeserializer {

        private final InstantDeserializer<Instant> fallback;

        Reader(InstantDeserializer<Instant> fallback) {
            super(Instant.class);
            this.fallback = fallback;
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                // The parser's own buffer: no String per value.
                Instant instant = CanonicalInstant.parse(parser.getTextCharacters(), parser.getTextOffset(),
                        parser.getTextLength());
                if (instant != null) {
                    return instant;
                }
            }
            return fallback.deserialize(parser, context);
        }

        @Override
        public Object deserializeWithType(JsonParser parser, DeserializationContext context,
                TypeDeserializer typeDeserializer) throws IOException {
            return fallback.deserializeWithType(parser, context, typeDeserializer);
        }

        @Override
        public LogicalType logicalType() {
            return fallback.logicalType();
        }

        /** A property or type with a format of its own ({@code @JsonFormat}) is left to the fallback entirely. */
        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property)
                throws JsonMappingException {
            return isPlain(findFormatOverrides(context, property, Instant.class))
                    ? this : fallback.createContextual(context, property);
        }
    }

    private static final class Writer extends StdSerializer<Instant> implements ContextualSerializer {

        private final InstantSerializer fallback;

        Writer(InstantSerializer fallback) {
            super(Instant.class);
            this.fallback = fallback;
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (!provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
                char[] text = new char[CanonicalInstant.MAX_FORMATTED_LENGTH];
                int length = CanonicalInstant.format(value, text);
                if (length > 0) {
                    generator.writeString(text, 0, length);
                    return;
                }
            }
            fallback.serialize(value, generator, provider);
        }

        @Override
        public void serializeWithType(Instant value, JsonGenerator generator, SerializerProvider provider,
                TypeSerializer typeSerializer) throws IOException {
            fallback.serializeWithType(value, generator, provider, typeSerializer);
        }

        /** A property or type with a format of its own ({@code @JsonFormat}) is left to the fallback entirely. */
        @Override
        public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
                throws JsonMappingException {
            return isPlain(findFormatOverrides(provider, property, Instant.class))
                    ? this : fallback.createContextual(provider, property);
        }
    }
}
