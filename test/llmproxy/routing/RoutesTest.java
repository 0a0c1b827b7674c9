package llmproxy.routing;

import llmproxy.config.Config;
import llmproxy.config.Route;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static llmproxy.routing.Configs.alias;
import static llmproxy.routing.Configs.backend;
import static llmproxy.routing.Configs.config;
import static llmproxy.routing.Configs.disabledAlias;
import static llmproxy.routing.Configs.names;
import static llmproxy.routing.Configs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RoutesTest {

    @Test
    void priorities_areSortedAscending_intoTiers() {
        Config c = config(List.of(backend("a"), backend("b"), backend("c"), backend("d")),
                List.of(alias("m", route("a", "ma", 3), route("b", "mb", 1), route("c", "mc", 3), route("d", "md", 2))));
        assertEquals(List.of(List.of("b:mb"), List.of("d:md"), List.of("a:ma", "c:mc")), names(Routes.from(c).plan("m")));
    }

    @Test
    void candidates_carryPriorityAndAlias() {
        Config c = config(List.of(backend("a")), List.of(alias("m", route("a", "x", 7))));
        Candidate only = ((Plan.Tiers) Routes.from(c).plan("m")).tiers().get(0).get(0);
        assertEquals(7, only.priority());
        assertEquals("m", only.viaAlias());
        assertEquals("x", only.model());
        assertEquals(c.backend("a"), only.backend());
    }

    @Test
    void disabledRoutesAndBackends_areSkipped() {
        Config c = config(List.of(backend("a"), backend("off", false), backend("b")),
                List.of(alias("m", new Route("a", "disabled-route", 1, false), route("off", "x", 1),
                        route("b", "mb", 2), route("missing", "y", 1))));
        assertEquals(List.of(List.of("b:mb")), names(Routes.from(c).plan("m")));
    }

    @Test
    void unknownAlias_isUnknown() {
        Config c = config(List.of(backend("a")), List.of(alias("m", route("a", "x", 1))));
        assertInstanceOf(Plan.Unknown.class, Routes.from(c).plan("nope"));
    }

    @Test
    void disabledAlias_withoutFallback_isUnknown() {
        Config c = config(List.of(backend("a")), List.of(disabledAlias("m", route("a", "x", 1))));
        assertInstanceOf(Plan.Unknown.class, Routes.from(c).plan("m"));
    }

    @Test
    void enabledAlias_withNoUsableRoute_isNoBackend() {
        Config c = config(List.of(backend("off", false)),
                List.of(alias("m", route("off", "x", 1), new Route("off", "y", 1, false)), alias("empty")));
        Routes r = Routes.from(c);
        assertInstanceOf(Plan.NoBackend.class, r.plan("m"));
        assertInstanceOf(Plan.NoBackend.class, r.plan("empty"));
    }

    @Test
    void disabledAlias_withFallbackToEnabledAlias_getsThatAliasCandidates() {
        Config c = config(List.of(backend("a"), backend("b")),
                List.of(disabledAlias("old", route("a", "x", 1)), alias("new", route("b", "y", 1))),
                Map.of("old", List.of("new")));
        Routes r = Routes.from(c);
        assertEquals(List.of(List.of("b:y")), names(r.plan("old")));
        assertEquals("new", ((Plan.Tiers) r.plan("old")).tiers().get(0).get(0).viaAlias());
        assertEquals(List.of("new"), r.enabledAliases());
    }

    @Test
    void aliasFallback_isExpandedDepthFirst() {
        Map<String, List<String>> fb = new LinkedHashMap<>();
        fb.put("A", List.of("B", "C"));
        fb.put("B", List.of("D"));
        Config c = config(List.of(backend("x")),
                List.of(alias("A", route("x", "a1", 1), route("x", "a2", 2)), alias("B", route("x", "b", 1)),
                        alias("C", route("x", "c", 1)), alias("D", route("x", "d", 1))), fb);
        assertEquals(List.of(List.of("x:a1"), List.of("x:a2"), List.of("x:b"), List.of("x:d"), List.of("x:c")),
                names(Routes.from(c).plan("A")));
    }

    @Test
    void aliasFallback_keepsEachAliasTiersSeparate_evenAtEqualPriority() {
        Config c = config(List.of(backend("x"), backend("y")),
                List.of(alias("A", route("x", "a", 1)), alias("B", route("y", "b", 1))), Map.of("A", List.of("B")));
        assertEquals(List.of(List.of("x:a"), List.of("y:b")), names(Routes.from(c).plan("A")));
    }

    @Test
    void aliasFallbackCycle_terminates() {
        Config c = config(List.of(backend("x")),
                List.of(alias("A", route("x", "a", 1)), alias("B", route("x", "b", 1))),
                Map.of("A", List.of("B"), "B", List.of("A")));
        Routes r = Routes.from(c);
        assertEquals(List.of(List.of("x:a"), List.of("x:b")), names(r.plan("A")));
        assertEquals(List.of(List.of("x:b"), List.of("x:a")), names(r.plan("B")));
    }

    @Test
    void selfFallback_terminates() {
        Config c = config(List.of(backend("x")), List.of(alias("A", route("x", "a", 1))), Map.of("A", List.of("A")));
        assertEquals(List.of(List.of("x:a")), names(Routes.from(c).plan("A")));
    }

    @Test
    void diamondFallback_includesSharedAliasOnce() {
        Config c = config(List.of(backend("x")),
                List.of(alias("A", route("x", "a", 1)), alias("B", route("x", "b", 1)), alias("C", route("x", "c", 1))),
                Map.of("A", List.of("B", "C"), "B", List.of("C")));
        assertEquals(List.of(List.of("x:a"), List.of("x:b"), List.of("x:c")), names(Routes.from(c).plan("A")));
    }

    @Test
    void samePair_reachedTwice_appearsOnce() {
        Config c = config(List.of(backend("x"), backend("y")),
                List.of(alias("A", route("x", "shared", 1), route("x", "shared", 2)),
                        alias("B", route("x", "shared", 1), route("y", "own", 1))),
                Map.of("A", List.of("B")));
        assertEquals(List.of(List.of("x:shared"), List.of("y:own")), names(Routes.from(c).plan("A")));
    }

    @Test
    void fallbackToUnknownOrDisabledAlias_addsNothing() {
        Config c = config(List.of(backend("x")),
                List.of(alias("A", route("x", "a", 1)), disabledAlias("B", route("x", "b", 1))),
                Map.of("A", List.of("B", "ghost")));
        assertEquals(List.of(List.of("x:a")), names(Routes.from(c).plan("A")));
    }

    @Test
    void enabledAlias_withNoRoutes_butFallback_usesTheFallback() {
        Config c = config(List.of(backend("x")), List.of(alias("A"), alias("B", route("x", "b", 1))),
                Map.of("A", List.of("B")));
        assertEquals(List.of(List.of("x:b")), names(Routes.from(c).plan("A")));
    }

    @Test
    void enabledAliases_areInConfigOrder_withoutDisabledOnes() {
        Config c = config(List.of(backend("x")),
                List.of(alias("zeta", route("x", "z", 1)), disabledAlias("alpha"), alias("mid"), alias("beta")));
        assertEquals(List.of("zeta", "mid", "beta"), Routes.from(c).enabledAliases());
    }

    @Test
    void pairs_holdEveryReachablePair_only() {
        Config c = config(List.of(backend("x"), backend("y"), backend("off", false)),
                List.of(alias("A", route("x", "a", 1), route("off", "o", 1)), alias("B", route("y", "b", 2)),
                        disabledAlias("C", route("x", "c", 1)), alias("D", new Route("y", "d", 1, false))));
        assertEquals(Set.of(new Candidate.Pair("x", "a"), new Candidate.Pair("y", "b")), Routes.from(c).pairs());
    }
}
