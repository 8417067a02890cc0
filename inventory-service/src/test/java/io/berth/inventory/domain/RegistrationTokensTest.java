package io.berth.inventory.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RegistrationTokensTest {

    @Test
    void tokensAreRandomAndUrlSafe() {
        RegistrationTokens tokens = new RegistrationTokens();

        String first = tokens.newToken();
        String second = tokens.newToken();

        assertThat(first).isNotEqualTo(second).startsWith("brt_").matches("brt_[A-Za-z0-9_-]{43}");
    }

    @Test
    void theHashIsSha256Hex() {
        assertThat(RegistrationTokens.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
