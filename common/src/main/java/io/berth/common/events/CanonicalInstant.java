package io.berth.common.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * The one text form of an {@link Instant} that Berth writes, {@code Instant.toString()} for years 0000-9999
 * ({@code 2026-11-27T08:55:00Z}, {@code 2026-11-27T08:55:00.123Z}), read and written without
 * {@code DateTimeFormatter}: the JDK's formatter builds a new parser and a {@code BigDecimal} per value,
 * which made timestamps half of the cost of decoding an event. Every other form is left to the caller
 * (it answers {@code null} / {@code -1}), so that the JDK keeps deciding what else is valid.
 */
final class CanonicalInstant {

    /** {@code yyyy-MM-ddTHH:mm:ssZ}; a fraction of 1 to 9 digits adds its point and digits. */
    private static final int MIN_LENGTH = 20;
    private static final int MAX_LENGTH = MIN_LENGTH + 10;
    /** The longest form {@link #format} writes. */
    static final int MAX_FORMATTED_LENGTH = MAX_LENGTH;

    private static final long SECONDS_PER_DAY = 86_400;
    private static final long FIRST_SECOND_OF_YEAR_0 = LocalDate.of(0, 1, 1).toEpochDay() * SECONDS_PER_DAY;
    private static final long FIRST_SECOND_OF_YEAR_10000 = LocalDate.of(10_000, 1, 1).toEpochDay() * SECONDS_PER_DAY;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000, 1_000_000_000};

    private CanonicalInstant() {
    }

    /**
     * The instant {@code text[offset, offset + length)} names if it has the canonical form and is a valid
     * date and time; {@code null} for anything else (other forms, leap seconds, {@code 24:00}, invalid
     * dates), never an exception.
     */
    static Instant parse(char[] text, int offset, int length) {
        if (length < MIN_LENGTH || length == MIN_LENGTH + 1 || length > MAX_LENGTH) {
            return null;
        }
        int end = offset + length;
        if (text[offset + 4] != '-' || text[offset + 7] != '-' || text[offset + 10] != 'T'
                || text[offset + 13] != ':' || text[offset + 16] != ':' || text[end - 1] != 'Z') {
            return null;
        }
        int year = digits(text, offset, 4);
        int month = digits(text, offset + 5, 2);
        int day = digits(text, offset + 8, 2);
        int hour = digits(text, offset + 11, 2);
        int minute = digits(text, offset + 14, 2);
        int second = digits(text, offset + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        int nanos = 0;
        if (length > MIN_LENGTH) {
            int fractionDigits = length - MIN_LENGTH - 1;
            int fraction = digits(text, offset + MIN_LENGTH, fractionDigits);
            if (text[offset + 19] != '.' || fraction < 0) {
                return null;
            }
            nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second, nanos);
    }

    /**
     * Writes {@code instant} as {@code instant.toString()} would into {@code into} (at least
     * {@link #MAX_FORMATTED_LENGTH} long) and answers the length, or {@code -1} for a year outside
     * 0000-9999, which {@code toString()} writes in a longer form.
     */
    static int format(Instant instant, char[] into) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND_OF_YEAR_0 || seconds >= FIRST_SECOND_OF_YEAR_10000) {
            return -1;
        }
        long epochDay = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        writeDigits(into, 0, date.getYear(), 4);
        into[4] = '-';
        writeDigits(into, 5, date.getMonthValue(), 2);
        into[7] = '-';
        writeDigits(into, 8, date.getDayOfMonth(), 2);
        into[10] = 'T';
        writeDigits(into, 11, secondOfDay / 3_600, 2);
        into[13] = ':';
        writeDigits(into, 14, secondOfDay / 60 % 60, 2);
        into[16] = ':';
        writeDigits(into, 17, secondOfDay % 60, 2);
        int length = 19;
        int nanos = instant.getNano();
        if (nanos > 0) {
            // As toString(): milliseconds, microseconds or nanoseconds, whichever shows every non-zero digit.
            int fractionDigits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            into[length++] = '.';
            writeDigits(into, length, nanos / POWERS_OF_TEN[9 - fractionDigits], fractionDigits);
            length += fractionDigits;
        }
        into[length++] = 'Z';
        return length;
    }

    /** The value of {@code count} decimal digits at {@code from}, or -1 if one of them is not a digit. */
    private static int digits(char[] text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static void writeDigits(char[] into, int from, int value, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            into[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
