package io.berth.common.http;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Extension members (RFC 9457 section 3.2) ride along a problem without changing the rest of it. */
class ProblemExceptionTest {

    @Test
    void anExtensionMemberKeepsStatusDetailAndHeaders() {
        ProblemException problem = ProblemException.unavailable("every host is at its logon cap", 5)
                .withMember("reason", "logon_cap");

        assertThat(problem.status()).isEqualTo(503);
        assertThat(problem.detail()).isEqualTo("every host is at its logon cap");
        assertThat(problem.headers()).isEqualTo(Map.of("Retry-After", "5"));
        assertThat(problem.members()).isEqualTo(Map.of("reason", "logon_cap"));
        assertThat(ProblemException.badRequest("x").members()).isEmpty();
    }

    @Test
    void aStandardMemberCannotBeReplaced() {
        assertThatThrownBy(() -> ProblemException.badRequest("x").withMember("status", "200"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
