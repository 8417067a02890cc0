package io.berth.common.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The canonical-form reader and writer against the JDK's own {@code Instant.parse} and {@code toString}. */
class CanonicalInstantTest {

    private static final long FIRST_SECOND_OF_YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long FIRST_SECOND_OF_YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

    private static Instant parse(String text) {
        // An offset into a larger buffer, as a JSON parser hands it over.
        char[] buffer = ("\"" + text + "\"").toCharArray();
        return CanonicalInstant.parse(buffer, 1, text.length());
    }

    private static String format(Instant instant) {
        char[] buffer = new char[CanonicalInstant.MAX_FORMATTED_LENGTH];
        int length = CanonicalInstant.format(instant, buffer);
        return length < 0 ? null : new String(buffer, 0, length);
    }

    @Test
    void readsTheCanonicalFormWithAnyFractionOfUpToNineDigits() {
        List<String> canonical = List.of("2026-11-27T08:55:00Z", "2026-11-27T08:55:00.1Z", "2026-11-27T08:55:00.12Z",
                "2026-11-27T08:55:00.123Z", "2026-11-27T08:55:00.1234Z", "2026-11-27T08:55:00.12345Z",
                "2026-11-27T08:55:00.123456Z", "2026-11-27T08:55:00.1234567Z", "2026-11-27T08:55:00.12345678Z",
                "2026-11-27T08:55:00.123456789Z", "2026-11-27T08:55:00.000Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "2024-02-29T12:00:00Z", "2000-02-29T00:00:00Z");

        for (String text : canonical) {
            assertThat(parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesEveryOtherFormToTheCaller() {
        List<String> others = List.of("2026-11-27T08:55:00+02:00", "2026-11-27T08:55:00+00:00", "2026-11-27t08:55:00z",
                "2026-11-27T08:55:00.Z", "2026-11-27T08:55:00.1234567891Z", "2026-11-27T08:55Z", "2026-11-27 08:55:00Z",
                "2026-11-27T24:00:00Z", "2016-12-31T23:59:60Z", "+12026-11-27T08:55:00Z", "-0001-11-27T08:55:00Z",
                " 2026-11-27T08:55:00Z", "2026-11-27T08:55:00", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-00T00:00:00Z",
                "2026-11-27T08:60:00Z", "2026-11-27T08:55:0xZ", "2026-11-27T08:55:00,5Z", "2026-11-27T08:55:00.1a3Z",
                "2026/11/27T08:55:00Z", "1700000000", "", "yesterday");

        for (String text : others) {
            assertThat(parse(text)).as(text).isNull();
        }
    }

    @Test
    void neverDisagreesWithTheJdkOnRandomDates() {
        // Random fields, many of them out of range: whatever the fast path accepts, the JDK reads the same way,
        // and whatever the JDK rejects, the fast path leaves alone.
        SplittableRandom random = new SplittableRandom(6);
        for (int i = 0; i < 50_000; i++) {
            String fraction = random.nextInt(4) == 0 ? "" : "." + digits(random, 1 + random.nextInt(9));
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", random.nextInt(10_000),
                    random.nextInt(14), random.nextInt(33), random.nextInt(25), random.nextInt(61),
                    random.nextInt(61), fraction);
            Instant fast = parse(text);
            Instant jdk;
            try {
                jdk = Instant.parse(text);
            } catch (DateTimeParseException rejected) {
                jdk = null;
            }
            if (fast != null || jdk == null) {
                assertThat(fast).as(text).isEqualTo(jdk);
            } else {
                // Only the JDK's lenient corners: 24:00:00 (the next midnight) and leap seconds.
                assertThat(text).as(text).containsAnyOf("T24:00:00", ":60");
            }
        }
    }

    @Test
    void writesExactlyWhatToStringWrites() {
        SplittableRandom random = new SplittableRandom(27);
        for (int i = 0; i < 50_000; i++) {
            long seconds = random.nextLong(FIRST_SECOND_OF_YEAR_0, FIRST_SECOND_OF_YEAR_10000);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);

            assertThat(format(instant)).isEqualTo(instant.toString());
            assertThat(parse(format(instant))).isEqualTo(instant);
        }
        for (Instant edge : List.of(Instant.EPOCH, Instant.ofEpochSecond(FIRST_SECOND_OF_YEAR_0),
                Instant.ofEpochSecond(FIRST_SECOND_OF_YEAR_10000 - 1, 999_999_999), Instant.ofEpochSecond(-1, 1))) {
            assertThat(format(edge)).isEqualTo(edge.toString());
        }
    }

    @Test
    void leavesYearsOutsideFourDigitsToToString() {
        for (Instant instant : List.of(Instant.MIN, Instant.MAX, Instant.ofEpochSecond(FIRST_SECOND_OF_YEAR_0 - 1),
                Instant.ofEpochSecond(FIRST_SECOND_OF_YEAR_10000))) {
            assertThat(format(instant)).as(instant.toString()).isNull();
        }
    }

    private static String digits(SplittableRandom random, int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }
}
