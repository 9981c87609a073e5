package io.customerpulse.ingest;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Map;

/**
 * Converts minor-unit amounts to the reporting currency with a fixed rate table, honouring each
 * currency's ISO 4217 exponent (JPY has none) and rounding half-even. Amounts already in the
 * reporting currency are returned untouched.
 */
public final class CurrencyConverter implements Serializable {
    private final String reporting;
    private final int reportingExponent;
    private final Map<String, BigDecimal> rates;

    /**
     * @param rates reporting-currency units for one unit of each currency
     */
    public CurrencyConverter(String reporting, Map<String, BigDecimal> rates) {
        this.reporting = reporting;
        this.reportingExponent = Currency.getInstance(reporting).getDefaultFractionDigits();
        this.rates = Map.copyOf(rates);
    }

    /** Whether {@code currency} can be converted. */
    public boolean knows(String currency) {
        return currency != null && rates.containsKey(currency);
    }

    /** {@code amountMinor} of {@code currency} in reporting minor units. */
    public long toReporting(long amountMinor, String currency) {
        if (reporting.equals(currency)) {
            return amountMinor;
        }
        BigDecimal rate = rates.get(currency);
        if (rate == null) {
            throw new IllegalArgumentException("no rate for currency " + currency);
        }
        int exponent = Currency.getInstance(currency).getDefaultFractionDigits();
        return BigDecimal.valueOf(amountMinor, exponent)
                .multiply(rate)
                .movePointRight(reportingExponent)
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }
}
