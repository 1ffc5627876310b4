package io.github.fastvision.models.anytime;

/** The three settings of thesis Table 2.1. */
public enum AnytimeVariant {
    /** Early exits with HRNet's plain head (two 1×1 convs) after every stage. */
    EE("EE", false, false),
    /** Early exits with the redesigned encoder-decoder heads. */
    EE_RH("EE+RH", true, false),
    /** Redesigned heads plus confidence adaptivity: the full ADP-C. */
    ADP_C("ADP-C", true, true);

    private final String label;
    private final boolean redesignedHeads;
    private final boolean confidenceAdaptivity;

    AnytimeVariant(String label, boolean redesignedHeads, boolean confidenceAdaptivity) {
        this.label = label;
        this.redesignedHeads = redesignedHeads;
        this.confidenceAdaptivity = confidenceAdaptivity;
    }

    /**
     * Returns the table label.
     *
     * @return "EE", "EE+RH" or "ADP-C"
     */
    public String label() {
        return label;
    }

    /**
     * Returns whether exits use the redesigned heads.
     *
     * @return true for RH
     */
    public boolean redesignedHeads() {
        return redesignedHeads;
    }

    /**
     * Returns whether confidence adaptivity is on.
     *
     * @return true for CA
     */
    public boolean confidenceAdaptivity() {
        return confidenceAdaptivity;
    }

    /**
     * Parses a label or constant name ("EE+RH", "ee_rh", "adp-c").
     *
     * @param s the text
     * @return the variant
     */
    public static AnytimeVariant parse(String s) {
        String n = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_').replace('+', '_');
        for (AnytimeVariant v : values()) {
            if (v.name().equals(n)) {
                return v;
            }
        }
        throw new IllegalArgumentException(
                "unknown anytime variant '" + s + "'; expected EE, EE+RH or ADP-C");
    }
}
