package io.github.fastvision.models;

import java.util.List;

/** A model family contributes its variants, one {@link ModelInfo} per zoo name. */
public interface ModelFamily {

    /**
     * Returns the family's registry entries.
     *
     * @return the entries
     */
    List<ModelInfo> models();
}
