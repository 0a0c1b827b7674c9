package llmproxy.access;

import llmproxy.config.ClientKey;
import llmproxy.config.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTest {
    private static final ClientKey DEFAULT = new ClientKey("default", Secret.of("proxy-key"), ClientKey.ALL_MODELS, 0);
    private static final ClientKey BOT = new ClientKey("support-bot", Secret.of("bot-key"),
            List.of("gpt-4o", "claude-*"), 600);

    @Test
    void presentedKeyIdentifiesItsClientAndNothingElseMatches() {
        Access access = Access.of(List.of(DEFAULT, BOT), Secret.NONE);
        assertEquals(new Caller.Client(BOT), access.identify("bot-key"));
        assertEquals(new Caller.Client(DEFAULT), access.identify("proxy-key"));
        assertInstanceOf(Caller.Unknown.class, access.identify("bot-ke"));
        assertInstanceOf(Caller.Unknown.class, access.identify("bot-key "));
        assertInstanceOf(Caller.Unknown.class, access.identify(""));
        assertInstanceOf(Caller.Unknown.class, access.identify(null));
    }

    @Test
    void withoutAnyKeyEveryoneIsAnonymousAndMayProxyAndAdminister() {
        Access access = Access.of(List.of(), Secret.NONE);
        Caller c = access.identify(null);
        assertInstanceOf(Caller.Anonymous.class, c);
        assertTrue(access.mayProxy(c));
        assertTrue(access.mayAdminister(c));
        assertInstanceOf(Decision.Allowed.class, access.allows(c, "anything"));
    }

    @Test
    void allowListTakesExactAliasesAndStarGlobs() {
        Access access = Access.of(List.of(DEFAULT, BOT), Secret.NONE);
        Caller bot = access.identify("bot-key");
        assertInstanceOf(Decision.Allowed.class, access.allows(bot, "gpt-4o"));
        assertInstanceOf(Decision.Allowed.class, access.allows(bot, "claude-sonnet-4"));
        assertInstanceOf(Decision.Allowed.class, access.allows(bot, "claude-"));
        assertEquals(new Decision.Forbidden("the API key \"support-bot\" may not use model \"gpt-4o-mini\""),
                access.allows(bot, "gpt-4o-mini"));
        assertInstanceOf(Decision.Forbidden.class, access.allows(bot, "my-claude-x"), "a glob is anchored");
        assertInstanceOf(Decision.Allowed.class, access.allows(access.identify("proxy-key"), "gpt-4o-mini"));
        assertFalse(access.mayUse(bot, "o1"));
    }

    @Test
    void regexCharactersInAnAllowListAreLiteral() {
        ClientKey k = new ClientKey("k", Secret.of("x"), List.of("a.b", "c(d)*"), 0);
        Access access = Access.of(List.of(k), Secret.NONE);
        Caller c = access.identify("x");
        assertTrue(access.mayUse(c, "a.b"));
        assertFalse(access.mayUse(c, "axb"));
        assertTrue(access.mayUse(c, "c(d)-anything"));
    }

    @Test
    void adminKeyAloneGuardsAdminPathsWhenSetAndCannotProxy() {
        Access access = Access.of(List.of(DEFAULT, BOT), Secret.of("admin-key"));
        Caller admin = access.identify("admin-key");
        assertInstanceOf(Caller.Admin.class, admin);
        assertTrue(access.mayAdminister(admin));
        assertFalse(access.mayProxy(admin));
        assertFalse(access.mayAdminister(access.identify("proxy-key")));
        assertFalse(access.mayAdminister(access.identify("nope")));
    }

    @Test
    void withoutAnAdminKeyAnyClientKeyMayAdminister() {
        Access access = Access.of(List.of(DEFAULT, BOT), Secret.NONE);
        assertTrue(access.mayAdminister(access.identify("bot-key")));
        assertTrue(access.mayAdminister(access.identify("proxy-key")));
        assertFalse(access.mayAdminister(access.identify("wrong")));
        assertFalse(access.mayProxy(access.identify("wrong")));
    }
}
