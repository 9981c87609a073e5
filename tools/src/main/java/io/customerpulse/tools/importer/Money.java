package io.customerpulse.tools.importer;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/** Amounts of an export in minor units of their currency (ISO 4217 exponent), half-even. */
final class Money {
    private Money() {}

    /** {@code amount} (major units, e.g. "12.99") in minor units of {@code currency}. */
    static long minor(BigDecimal amount, String currency) {
        int digits = Math.max(0, currency(currency).getDefaultFractionDigits());
        return amount.movePointRight(digits).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** The ISO 4217 currency of this code; IllegalArgumentException naming it if none. */
    static Currency currency(String code) {
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + code + "' is not an ISO 4217 currency code");
        }
    }

    /** A decimal amount; IllegalArgumentException naming the column and value if it is not. */
    static BigDecimal parse(String column, String value) {
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(column + " '" + value + "' is not a number");
        }
    }
}
