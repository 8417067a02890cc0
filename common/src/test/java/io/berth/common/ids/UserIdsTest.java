package io.berth.common.ids;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one rule for user and group ids: opaque text, bounded, printable. */
class UserIdsTest {

    @Test
    void idsAsIdentityProvidersGiveThemAreValid() {
        assertThat(UserIds.isValid("alice@example.com")).isTrue();
        assertThat(UserIds.isValid("CN=Alice Smith,OU=Staff,DC=example,DC=com")).isTrue();
        assertThat(UserIds.isValid("Ünïcødé 用户")).isTrue();
        assertThat(UserIds.isValid("u".repeat(UserIds.MAX_LENGTH))).isTrue();
    }

    @Test
    void overlongBlankOrControlCharacterIdsAreRefusedNamingTheField() {
        assertThat(UserIds.violation("userId", "u".repeat(UserIds.MAX_LENGTH + 1))).get().asString()
                .contains("'userId'", "256");
        assertThat(UserIds.violation("groups", "ops\nadmin")).get().asString().contains("'groups'", "control");
        assertThat(UserIds.violation("userId", "bell\u0007")).isPresent();
        assertThat(UserIds.violation("userId", "del\u007f")).isPresent();
        assertThat(UserIds.violation("userId", "c1\u0085")).isPresent();
        assertThat(UserIds.violation("userId", "  ")).isPresent();
        assertThat(UserIds.violation("userId", null)).isPresent();
    }
}
