package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParameterNamesTest {

    @Test
    void stripPositionDropsOnlyDjlsTwoDigitPrefix() {
        assertEquals("conv", ParameterNames.stripPosition("01conv"));
        assertEquals("stages_1", ParameterNames.stripPosition("03stages_1"));
        assertEquals("conv", ParameterNames.stripPosition("conv"));
        assertEquals("1conv", ParameterNames.stripPosition("1conv"));
        assertEquals("12", ParameterNames.stripPosition("12"));
        assertEquals("3", ParameterNames.stripPosition("123"));
    }
}
