package io.berth.session.domain;

import io.berth.common.events.SessionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SessionLifecycleTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
            "PENDING,      LOGON,      ACTIVE",
            "PENDING,      RECONNECT,  ACTIVE",
            "PENDING,      DISCONNECT, DISCONNECTED",
            "PENDING,      LOGOFF,     ENDED",
            "ACTIVE,       LOGON,      ",
            "ACTIVE,       RECONNECT,  ",
            "ACTIVE,       DISCONNECT, DISCONNECTED",
            "ACTIVE,       LOGOFF,     ENDED",
            "DISCONNECTED, LOGON,      ACTIVE",
            "DISCONNECTED, RECONNECT,  ACTIVE",
            "DISCONNECTED, DISCONNECT, ",
            "DISCONNECTED, LOGOFF,     ENDED",
            "ENDED,        LOGON,      ",
            "ENDED,        RECONNECT,  ",
            "ENDED,        DISCONNECT, ",
            "ENDED,        LOGOFF,     ",
    })
    void everyReportInEveryStateMovesTheSessionAsTheLifecycleSays(SessionState current, AgentEventType report,
                                                                  SessionState expected) {
        // when
        var next = SessionLifecycle.next(current, report);

        // then (no expected state = the report is a no-op)
        if (expected == null) {
            assertThat(next).as("%s + %s is a no-op", current, report).isEmpty();
        } else {
            assertThat(next).as("%s + %s", current, report).contains(expected);
        }
    }
}
