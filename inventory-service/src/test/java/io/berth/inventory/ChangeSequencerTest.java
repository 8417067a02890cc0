package io.berth.inventory;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeSequencerTest {

    private final ChangeSequencer sequencer = new ChangeSequencer();
    private final List<String> started = new ArrayList<>();

    /** A piece of work that finishes when the test completes its promise. */
    private static Promise<Void> step() {
        return Promise.promise();
    }

    private Future<Void> run(String name, Promise<Void> promise) {
        started.add(name);
        return promise.future();
    }

    @Test
    void workOnDifferentKeysRunsTogetherAndOnOneKeyInTurn() {
        // given
        Promise<Void> a1 = step();
        Promise<Void> a2 = step();
        Promise<Void> b1 = step();

        // when
        sequencer.keyed("a", () -> run("a1", a1));
        Future<Void> second = sequencer.keyed("a", () -> run("a2", a2));
        sequencer.keyed("b", () -> run("b1", b1));

        // then
        assertThat(started).containsExactly("a1", "b1");
        a1.complete();
        assertThat(started).containsExactly("a1", "b1", "a2");
        a2.complete();
        assertThat(second.succeeded()).isTrue();
    }

    @Test
    void exclusiveWorkWaitsForEverythingBeforeItAndBlocksEverythingAfter() {
        // given
        Promise<Void> a1 = step();
        Promise<Void> x = step();
        Promise<Void> b1 = step();
        sequencer.keyed("a", () -> run("a1", a1));

        // when
        sequencer.exclusive(() -> run("x", x));
        sequencer.keyed("b", () -> run("b1", b1));

        // then
        assertThat(started).containsExactly("a1");
        a1.complete();
        assertThat(started).containsExactly("a1", "x");
        x.complete();
        assertThat(started).containsExactly("a1", "x", "b1");
        b1.complete();
        assertThat(sequencer.pending()).isZero();
    }

    @Test
    void aFailureIsPassedOnAndReleasesTheQueue() {
        // given
        Future<Object> failed = sequencer.exclusive(() -> {
            throw new IllegalStateException("refused");
        });

        // when
        Future<String> next = sequencer.exclusive(() -> Future.succeededFuture("ok"));

        // then
        assertThat(failed.failed()).isTrue();
        assertThat(failed.cause()).hasMessage("refused");
        assertThat(next.result()).isEqualTo("ok");
    }
}
