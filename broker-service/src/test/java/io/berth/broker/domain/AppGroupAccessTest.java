package io.berth.broker.domain;

import io.berth.common.events.AppGroupType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AppGroupAccessTest {

    private final AppGroupAccess desktop = new AppGroupAccess("desktop", "pool-a", AppGroupType.DESKTOP,
            Set.of("alice"), Set.of("engineering", "finance"));

    @Test
    void aUserListedByIdIsEntitled() {
        assertThat(desktop.admits("alice", List.of())).isTrue();
    }

    @Test
    void aMemberOfAListedGroupIsEntitled() {
        assertThat(desktop.admits("bob", List.of("sales", "finance"))).isTrue();
    }

    @Test
    void anyoneElseIsNot() {
        assertThat(desktop.admits("bob", List.of("sales"))).isFalse();
        assertThat(desktop.admits("bob", null)).isFalse();
        assertThat(desktop.admits("engineering", List.of())).as("a group id is not a user id").isFalse();
    }
}
