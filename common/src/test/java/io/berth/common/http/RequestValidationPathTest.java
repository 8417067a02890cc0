package io.berth.common.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A path parameter is read from its segment of the request's path, decoded, before the route names it. */
class RequestValidationPathTest {

    private static final String EVENTS = "/api/v1/agent/sessions/{sessionId}/events";

    @Test
    void aSegmentIsReadByTheNameTheTemplateGivesIt() {
        assertThat(RequestValidation.pathParameter(EVENTS, "/api/v1/agent/sessions/s-1/events", "sessionId"))
                .isEqualTo("s-1");
        assertThat(RequestValidation.pathParameter("/api/v1/hostpools/{poolId}/hosts/{hostId}",
                "/api/v1/hostpools/p1/hosts/h-9", "hostId")).isEqualTo("h-9");
        assertThat(RequestValidation.pathParameter("/api/v1/hostpools/{poolId}", "/api/v1/hostpools/p1", "poolId"))
                .isEqualTo("p1");
    }

    @Test
    void aSegmentIsDecodedAndAPlusStaysAPlus() {
        assertThat(RequestValidation.pathParameter(EVENTS, "/api/v1/agent/sessions/a%20b+c/events", "sessionId"))
                .isEqualTo("a b+c");
        assertThat(RequestValidation.pathParameter(EVENTS, "/api/v1/agent/sessions/a%2Fb/events", "sessionId"))
                .isEqualTo("a/b");
    }

    @Test
    void anEmptySegmentIsEmptyAndOneThatDoesNotDecodeIsNull() {
        assertThat(RequestValidation.pathParameter(EVENTS, "/api/v1/agent/sessions//events", "sessionId")).isEmpty();
        assertThat(RequestValidation.pathParameter(EVENTS, "/api/v1/agent/sessions/%zz/events", "sessionId")).isNull();
    }

    @Test
    void aNameTheTemplateDoesNotHaveOrAPathTooShortIsNull() {
        assertThat(RequestValidation.pathParameter(EVENTS, "/api/v1/agent/sessions/s-1/events", "hostId")).isNull();
        assertThat(RequestValidation.pathParameter(EVENTS, "/api/v1/agent", "sessionId")).isNull();
    }
}
