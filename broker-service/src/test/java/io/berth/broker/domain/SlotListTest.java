package io.berth.broker.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlotListTest {

    @Test
    void sessionsWithTheSameHashAreStillToldApart() {
        // "Aa" and "BB" have the same String hash
        SlotList slots = SlotList.of(List.of(new SlotHolder("Aa", "alice", 0L), new SlotHolder("BB", "bob", 0L)));

        assertThat(slots.indexOfSession("BB")).isEqualTo(1);
        assertThat(slots.indexOfSession("Aa")).isZero();
        assertThat(slots.indexOfSession("C#")).as("same hash again, not held").isEqualTo(-1);
    }

    @Test
    void addingReplacingAndRemovingKeepTheHashesInStep() {
        SlotList slots = SlotList.EMPTY.plus(new SlotHolder("s1", "alice", 5L)).plus(new SlotHolder("s2", "bob", 6L))
                .plus(new SlotHolder("s3", "carol", 7L));

        SlotList confirmed = slots.replaced(1, new SlotHolder("s2", "bob", 0L));
        SlotList removed = confirmed.without(0);

        assertThat(removed).containsExactly(new SlotHolder("s2", "bob", 0L), new SlotHolder("s3", "carol", 7L));
        assertThat(removed.indexOfSession("s3")).isEqualTo(1);
        assertThat(removed.indexOfSession("s1")).isEqualTo(-1);
        assertThat(slots).as("the original is unchanged").extracting(SlotHolder::reservedAtMillis)
                .containsExactly(5L, 6L, 7L);
        assertThat(removed.without(0).without(0)).isSameAs(SlotList.EMPTY);
    }

    @Test
    void itEqualsAnyListOfTheSameSlotsAndCannotBeChanged() {
        List<SlotHolder> plain = new ArrayList<>(List.of(new SlotHolder("s1", "alice", 0L)));
        SlotList slots = SlotList.of(plain);

        assertThat(slots).isEqualTo(plain).hasSameHashCodeAs(plain);
        assertThat(SlotList.of(slots)).isSameAs(slots);
        assertThatThrownBy(() -> slots.add(new SlotHolder("s2", "bob", 0L)))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
