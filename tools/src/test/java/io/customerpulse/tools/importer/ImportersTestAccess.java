package io.customerpulse.tools.importer;

/** The buyer id of an e-mail, for tests of other packages. */
public final class ImportersTestAccess {
    private ImportersTestAccess() {}

    public static String buyer(String email) {
        return Buyers.idOf(email);
    }
}
