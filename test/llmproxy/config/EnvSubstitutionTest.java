package llmproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvSubstitutionTest {
    private final EnvSubstitution env = new EnvSubstitution(Map.of("A", "alpha", "EMPTY", "", "B_2", "beta"));

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "plain                 | plain",
            "${A}                  | alpha",
            "x-${A}-${B_2}-y       | x-alpha-beta-y",
            "${MISSING:-fallback}  | fallback",
            "${EMPTY:-fallback}    | fallback",
            "${A:-fallback}        | alpha",
            "${MISSING:-}          | ''",
            "'${MISSING:-a:b c}'   | 'a:b c'",
            "cost $5 and $ {A}     | cost $5 and $ {A}",
            "${EMPTY}              | ''"})
    void expand_replacesReferences(String text, String expected) {
        assertEquals(expected, env.expand(text));
    }

    @Test
    void unsetVariables_areAllNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.expand("${X}/${A}/${Y}"));
        assertEquals("environment variables X, Y are not set (use ${X:-default} to give a default)", e.getMessage());
    }

    @Test
    void unterminatedReference_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.expand("a${A"));
        assertEquals("unterminated \"${\" in \"a${A\" (expected '}')", e.getMessage());
    }

    @Test
    void malformedName_isRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.expand("${1A}"));
        assertEquals("malformed reference \"${1A}\"; expected ${NAME} or ${NAME:-default}", e.getMessage());
    }
}
