package io.berth.common.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** What every problem answer must be: the status, {@code application/problem+json}, and a detail saying why. */
final class ProblemAssertions {

    private ProblemAssertions() {
    }

    static void assertProblem(HttpResponse<Buffer> response, int status, String detailPart) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
        JsonObject problem = response.bodyAsJsonObject();
        assertThat(problem.getInteger("status")).isEqualTo(status);
        assertThat(problem.getString("type")).isNotBlank();
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).contains(detailPart);
    }
}
