package io.berth.inventory.api;

import io.berth.common.http.ProblemException;
import io.berth.inventory.domain.InventoryOutcome.Refusal;
import io.berth.inventory.domain.InventoryOutcome.Refused;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The one place the domain's refusals become HTTP statuses: each keeps the status the API always answered. */
class RefusalStatusTest {

    @ParameterizedTest
    @CsvSource({"INVALID, 400", "UNAUTHENTICATED, 401", "FORBIDDEN, 403", "NOT_FOUND, 404", "CONFLICT, 409"})
    void eachRefusalHasItsStatusAndKeepsItsDetail(Refusal refusal, int status) {
        ProblemException problem = InventoryApi.problem(new Refused<Void>(refusal, "why: " + refusal));

        assertThat(problem.status()).isEqualTo(status);
        assertThat(problem.detail()).isEqualTo("why: " + refusal);
    }
}
