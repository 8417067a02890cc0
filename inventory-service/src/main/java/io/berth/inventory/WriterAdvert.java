package io.berth.inventory;

import io.berth.common.events.EventCodec;
import io.berth.common.events.MalformedEventException;

import java.io.IOException;
import java.time.Instant;

/**
 * Where the current inventory writer takes writes: published by each new writer on {@code berth.config}
 * under key {@value #KEY}, in its first transaction after fencing, so that only a writer that holds the role
 * can advertise. Other instances forward writes there. Other services ignore the key.
 */
record WriterAdvert(int v, String url, Instant since) {

    static final String KEY = "inventory/writer";

    byte[] encode() {
        try {
            return EventCodec.mapper().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a writer advert always serialises", e);
        }
    }

    static WriterAdvert decode(byte[] value) throws MalformedEventException {
        try {
            WriterAdvert advert = EventCodec.mapper().readValue(value, WriterAdvert.class);
            if (advert == null || advert.url() == null) {
                throw new MalformedEventException("writer advert lacks url");
            }
            return advert;
        } catch (IOException e) {
            throw new MalformedEventException("not a valid writer advert: " + e.getMessage(), e);
        }
    }
}
