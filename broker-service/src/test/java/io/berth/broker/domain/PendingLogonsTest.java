package io.berth.broker.domain;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.berth.broker.domain.Hosts.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** How a host entry counts logons in progress: reservations and PENDING sessions, never a logged-on one. */
class PendingLogonsTest {

    @Test
    void reservationsAndPendingSessionsCountLoggedOnOnesDoNot() {
        HostEntry host = Hosts.available("h1", "pool", 3)
                .reserve("s-a", "alice", 20, false, NOW)
                .reserve("s-b", "bob", 20, false, NOW)
                .confirm("s-b", "bob", false);

        assertThat(host.liveSessions()).isEqualTo(5);
        assertThat(host.pendingLogons()).as("a reservation and a PENDING session").isEqualTo(2);
        assertThat(host.confirm("s-a", "alice", true).pendingLogons()).isEqualTo(1);
    }

    @Test
    void aLatePendingRecordLeavesALoggedOnSessionLoggedOn() {
        HostEntry active = Hosts.available("h1", "pool", 0).reserve("s-a", "alice", 20, false, NOW)
                .confirm("s-a", "alice", true);

        assertThat(active.confirm("s-a", "alice", false)).isSameAs(active);
        assertThat(active.pendingLogons()).isZero();
    }

    @Test
    void theLastPlaceUnderTheCapGoesToOneReservationOnly() {
        SlotLimits capOfOne = new SlotLimits(20, 1, null);
        HostEntry host = Hosts.available("h1", "pool", 5);

        HostEntry first = host.reserve("s-a", "alice", capOfOne, false, NOW);
        HostEntry second = first.reserve("s-b", "bob", capOfOne, false, NOW);

        assertThat(first.holds("s-a")).isTrue();
        assertThat(second).isSameAs(first);
        assertThat(host.reserve("s-b", "bob", SlotLimits.sessionsOnly(20), false, NOW).holds("s-b"))
                .as("no cap").isTrue();
    }

    @Test
    void theKeptCountAlwaysEqualsACountOfTheHolders() {
        // model-based: random reservations, confirmations, ends and abandons against a plain count
        SplittableRandom random = new SplittableRandom(11);
        HostEntry host = Hosts.available("h1", "pool", 0);
        List<String> ids = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            int op = random.nextInt(5);
            String id = ids.isEmpty() || op == 0 ? "s" + step : ids.get(random.nextInt(ids.size()));
            host = switch (op) {
                case 0 -> host.reserve(id, "u", 30, false, NOW);
                case 1 -> host.confirm(id, "u", false);
                case 2 -> host.confirm(id, "u", true);
                case 3 -> host.endSession(id);
                default -> host.abandonReservation(id);
            };
            if (op == 0 || op == 1 || op == 2) {
                ids.add(id);
            }
            long counted = host.slots().stream().filter(SlotHolder::isPendingLogon).count();
            assertThat(host.pendingLogons()).as("step %d", step).isEqualTo((int) counted);
            assertThat(SlotList.of(new ArrayList<>(host.slots())).pendingLogons()).isEqualTo((int) counted);
        }
    }
}
