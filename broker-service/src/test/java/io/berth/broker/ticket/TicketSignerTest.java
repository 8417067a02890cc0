package io.berth.broker.ticket;

import io.vertx.core.json.JsonObject;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TicketSignerTest {

    @TempDir
    Path dir;

    @Test
    void aTicketVerifiesOfflineWithThePublishedKeyAndCarriesTheClaims() {
        TicketSigner signer = TicketSigner.loadOrCreate(dir.resolve("ticket-key"));

        String ticket = signer.sign("s1", "alice", "h1.pool", 1_800_000_000L, 300);

        String[] parts = ticket.split("\\.");
        assertThat(parts).hasSize(3);
        JsonObject header = json(parts[0]);
        JsonObject claims = json(parts[1]);
        assertThat(header.getString("alg")).isEqualTo("EdDSA");
        assertThat(header.getString("kid")).isEqualTo(signer.keyId());
        assertThat(claims.getMap()).containsEntry("sessionId", "s1").containsEntry("userId", "alice")
                .containsEntry("hostId", "h1.pool").containsEntry("iat", 1_800_000_000)
                .containsEntry("exp", 1_800_000_300);
        assertThat(verify(signer, parts)).isTrue();
        parts[1] = parts[1].substring(0, parts[1].length() - 2) + "AA";
        assertThat(verify(signer, parts)).as("a tampered ticket").isFalse();
    }

    @Test
    void theSameClaimsGiveTheSameTicket() {
        TicketSigner signer = TicketSigner.loadOrCreate(dir.resolve("ticket-key"));

        assertThat(signer.sign("s1", "alice", "h1", 100, 300)).isEqualTo(signer.sign("s1", "alice", "h1", 100, 300));
    }

    @Test
    void everyNodeReadingTheKeyFileSignsWithTheSameKey() throws Exception {
        Path file = dir.resolve("keys/ticket-key");
        TicketSigner first = TicketSigner.loadOrCreate(file);
        TicketSigner second = TicketSigner.loadOrCreate(file);

        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(second.sign("s", "u", "h", 1, 2)).isEqualTo(first.sign("s", "u", "h", 1, 2));
        assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
    }

    @Test
    void aReplayedTicketIsTheSameWhileHalfItsLifeIsLeftThenAFreshOneNeverExpired() {
        long issued = 1_000;
        long ttl = 300;

        // given a prompt replay: the original issue time, so the same ticket byte for byte
        assertThat(TicketSigner.reissueTime(issued, issued, ttl)).isEqualTo(issued);
        assertThat(TicketSigner.reissueTime(issued, issued + 149, ttl)).isEqualTo(issued);
        // given a late replay: a later step, the same within the step
        assertThat(TicketSigner.reissueTime(issued, issued + 150, ttl)).isEqualTo(issued + 150);
        assertThat(TicketSigner.reissueTime(issued, issued + 299, ttl)).isEqualTo(issued + 150);
        assertThat(TicketSigner.reissueTime(issued, issued + 599, ttl)).isEqualTo(issued + 450);
        // then, whenever the replay comes (up to the key's ten minutes and beyond), the ticket is valid at least
        // half its lifetime more, and never issued in the future
        for (long now = issued; now <= issued + 3_600; now++) {
            long reissued = TicketSigner.reissueTime(issued, now, ttl);
            assertThat(reissued + ttl - now).isGreaterThan(ttl / 2);
            assertThat(reissued).isLessThanOrEqualTo(now).isGreaterThanOrEqualTo(issued);
        }
    }

    private static boolean verify(TicketSigner signer, String[] parts) {
        @SuppressWarnings("unchecked")
        Map<String, Object> key = ((List<Map<String, Object>>) signer.jwkSet().get("keys")).get(0);
        assertThat(key).containsEntry("kty", "OKP").containsEntry("crv", "Ed25519").containsEntry("kid", signer.keyId());
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(Base64.getUrlDecoder().decode((String) key.get("x")), 0));
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        verifier.update(input, 0, input.length);
        return verifier.verifySignature(Base64.getUrlDecoder().decode(parts[2]));
    }

    private static JsonObject json(String part) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    }
}
