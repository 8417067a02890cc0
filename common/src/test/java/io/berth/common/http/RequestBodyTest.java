package io.berth.common.http;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A body read into a record is strict: what the record does not define, or defines twice, is a 400. */
class RequestBodyTest {

    record Connect(String userId, String appGroupId, List<String> groups) {
    }

    private static Connect read(String json) {
        return RequestBody.read(Buffer.buffer(json), Connect.class);
    }

    private static void assertBadRequest(String json, String detailPart) {
        assertThatThrownBy(() -> read(json))
                .isInstanceOfSatisfying(ProblemException.class, problem -> {
                    assertThat(problem.status()).isEqualTo(400);
                    assertThat(problem.detail()).contains(detailPart);
                });
    }

    @Test
    void aBodyThatFitsTheRecordIsRead() {
        Connect connect = read("{\"userId\":\"alice\",\"appGroupId\":\"desk\",\"groups\":[\"staff\"]}");

        assertThat(connect).isEqualTo(new Connect("alice", "desk", List.of("staff")));
    }

    @Test
    void whatTheRecordDoesNotDefineOrDefinesTwiceIsABadRequest() {
        assertBadRequest("{\"userId\":\"alice\",\"appGroupId\":\"desk\",\"admin\":true}", "unknown field 'admin'");
        assertBadRequest("{\"userId\":\"alice\",\"userId\":\"bob\"}", "same field twice");
        assertBadRequest("{\"userId\":\"alice\"} {}", "JSON");
        assertBadRequest("{\"userId\":", "not valid JSON");
        assertBadRequest("{\"userId\":\"alice\",\"groups\":{\"a\":1}}", "'groups'");
        assertBadRequest("", "body is required");
        assertBadRequest("null", "body is required");
    }

    @Test
    void aTreeTheValidationParsedReadsAsTheSameRecordAndIsRefusedInTheSameWords() {
        String valid = "{\"userId\":\"alice\",\"appGroupId\":\"desk\",\"groups\":[\"staff\"]}";
        assertThat(RequestBody.read(RequestBody.parse(Buffer.buffer(valid)), Connect.class)).isEqualTo(read(valid));

        for (String refused : List.of("{\"userId\":\"alice\",\"appGroupId\":\"desk\",\"admin\":true}",
                "{\"userId\":\"alice\",\"groups\":{\"a\":1}}", "null")) {
            ProblemException fromBytes = catchProblem(() -> read(refused));
            ProblemException fromTree = catchProblem(
                    () -> RequestBody.read(RequestBody.parse(Buffer.buffer(refused)), Connect.class));
            assertThat(fromTree.status()).isEqualTo(400);
            assertThat(fromTree.detail()).isEqualTo(fromBytes.detail());
        }
    }

    private static ProblemException catchProblem(Runnable read) {
        try {
            read.run();
        } catch (ProblemException problem) {
            return problem;
        }
        throw new AssertionError("no problem was raised");
    }

    @Test
    void theSyntaxCheckRefusesDuplicatesAndTrailingData() {
        RequestBody.parse(Buffer.buffer("{\"a\":{\"b\":1},\"c\":[1,2]}"));

        assertThatThrownBy(() -> RequestBody.parse(Buffer.buffer("{\"a\":{\"b\":1,\"b\":2}}")))
                .hasMessageContaining("same field twice");
        assertThatThrownBy(() -> RequestBody.parse(Buffer.buffer("[1] [2]")))
                .hasMessageContaining("after the JSON value");
    }
}
