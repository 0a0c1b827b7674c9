package llmproxy.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class LogTextTest {
    @Test
    void escape_turnsEveryControlCharacterIntoAVisibleEscape() {
        assertEquals("a\\nb\\rc\\td\\u001b[31me\\u0000f\\u007fg\\u0085h\\u2028i",
                LogText.escape("a\nb\rc\td\u001b[31me\u0000f\u007fg\u0085h\u2028i"));
    }

    @Test
    void escape_returnsSafeTextItself_andLeavesBackslashesAndUnicodeAlone() {
        String safe = "model=gpt-4o path=C:\\logs\\x naïve 模型 \uD83D\uDE00";
        assertSame(safe, LogText.escape(safe));
        assertEquals("null", LogText.escape(null));
    }

    @Test
    void appendBody_keepsLinesReadableButIndentedAndEscapesTheRest() {
        String body = "{\n\t\"a\": 1,\r\n\"b\": \"x\u001b\u0000\ry\"\n}";
        assertEquals("{|  \t\"a\": 1,|  \"b\": \"x\\u001b\\u0000\\ry\"|  }",
                LogText.appendBody(new StringBuilder(), body, "|  ").toString());
    }
}
