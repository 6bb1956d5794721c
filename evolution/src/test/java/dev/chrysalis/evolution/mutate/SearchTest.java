package dev.chrysalis.evolution.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.search.CandidateTree;
import dev.chrysalis.evolution.search.OperatorStats;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchTest {

    @Test
    void cladeMetaproductivityPrefersTheNodeWhoseDescendantsDidWell() {
        CandidateTree tree = new CandidateTree(Map.of(), 0.0, 0.0);
        var good = tree.add(tree.root(), 1, Map.of(), "a", 0.5);
        var bad = tree.add(tree.root(), 2, Map.of(), "b", 0.5);
        tree.add(good, 3, Map.of(), "a1", 1.0);
        tree.add(bad, 4, Map.of(), "b1", 0.0);
        assertEquals(2.0 / 3, tree.cladeMetaproductivity(good), 1e-9, "its one descendant improved on it");
        assertEquals(1.0 / 3, tree.cladeMetaproductivity(bad), 1e-9, "its one descendant did worse");
        assertEquals(1, tree.select(n -> n.id() != 0).orElseThrow().id(), "the clade whose mutations improved");
        assertEquals(3, tree.select(n -> n.id() == 3 || n.id() == 4).orElseThrow().id(), "equal leaves: the fitter one");
        assertEquals(1, tree.select(n -> n.id() == 1 || n.id() == 2).orElseThrow().id());
        assertTrue(tree.select(n -> false).isEmpty());
    }

    @Test
    void aPartialFixWhoseChildrenOnlyKeepItsFitnessGivesWayToTheRoot() {
        CandidateTree tree = new CandidateTree(Map.of(), 0.0, 0.5);
        tree.add(tree.root(), 1, Map.of(), "no change", 0.0);
        tree.add(tree.root(), 2, Map.of(), "no change", 0.0);
        var partial = tree.add(tree.root(), 3, Map.of(), "fixes 2 of 5", 0.4);
        assertEquals(partial.id(), tree.select(n -> n.id() == 0 || n.id() == 3).orElseThrow().id(), "a fresh improvement is explored");
        int id = 4;
        while (tree.select(n -> n.id() == 0 || n.id() == 3).orElseThrow().id() == partial.id()) {
            tree.add(partial, id++, Map.of(), "keeps 2 of 5", 0.4);
        }
        assertTrue(partial.children().size() <= 4, "the root's untried edits come back after a few unproductive children, got "
                + partial.children().size());
    }

    @Test
    void explorationFavoursSmallCladesWhenScoresTie() {
        CandidateTree tree = new CandidateTree(Map.of(), 0.0, 1.0);
        var a = tree.add(tree.root(), 1, Map.of(), "a", 0.0);
        tree.add(a, 2, Map.of(), "a1", 0.0);
        var b = tree.add(tree.root(), 3, Map.of(), "b", 0.0);
        assertEquals(b.id(), tree.select(n -> n.id() == 1 || n.id() == 3).orElseThrow().id());
    }

    @Test
    void operatorAverageMovesWithSignedOutcomesAndPersistsPerPlugin(@TempDir Path dir) {
        OperatorStats stats = new OperatorStats(dir, "calculator", 0.5);
        assertEquals(0.0, stats.score(Operator.STATEMENT_SWAP));
        stats.record(Operator.STATEMENT_SWAP, 1);
        stats.record(Operator.STATEMENT_SWAP, -1);
        stats.record(Operator.OFF_BY_ONE, -1);
        assertEquals(0.0, stats.score(Operator.STATEMENT_SWAP), 1e-9);
        OperatorStats reloaded = new OperatorStats(dir, "calculator", 0.5);
        assertEquals(-1.0, reloaded.score(Operator.OFF_BY_ONE), 1e-9);
        assertEquals(0.0, new OperatorStats(dir, "units", 0.5).score(Operator.OFF_BY_ONE), "per plugin");
    }
}
