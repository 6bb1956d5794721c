package dev.chrysalis.evolution.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The candidates of one batch as a tree (parent = the candidate a candidate was mutated from; the root is
 * main). Which node to expand next is chosen by clade-metaproductivity (HGM): how often mutations inside a
 * node's clade improved on their parent, plus an exploration bonus that shrinks as the node is expanded.
 */
public final class CandidateTree {
    /** One node; {@code fitness} in [0, 2]: the share of evidence fixed, 2 for a full pass. */
    public static final class Node {
        private final int id;
        private final Optional<Node> parent;
        private final Map<String, String> files;
        private final String label;
        private final double fitness;
        private final List<Node> children = new ArrayList<>();

        Node(int id, Optional<Node> parent, Map<String, String> files, String label, double fitness) {
            this.id = id;
            this.parent = parent;
            this.files = Map.copyOf(files);
            this.label = Objects.requireNonNull(label, "label");
            this.fitness = fitness;
        }

        public int id() {
            return id;
        }

        public Optional<Node> parent() {
            return parent;
        }

        /** The plugin's files (path inside the plugin -> text) this node stands for. */
        public Map<String, String> files() {
            return files;
        }

        public String label() {
            return label;
        }

        public double fitness() {
            return fitness;
        }

        public List<Node> children() {
            return List.copyOf(children);
        }
    }

    private final Node root;
    private final List<Node> nodes = new ArrayList<>();
    private final double exploration;

    public CandidateTree(Map<String, String> rootFiles, double rootFitness, double exploration) {
        this.root = new Node(0, Optional.empty(), rootFiles, "main", rootFitness);
        this.nodes.add(root);
        this.exploration = exploration;
    }

    public Node root() {
        return root;
    }

    public Node add(Node parent, int id, Map<String, String> files, String label, double fitness) {
        Node n = new Node(id, Optional.of(parent), files, label, fitness);
        parent.children.add(n);
        nodes.add(n);
        return n;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Clade-metaproductivity: how often mutating inside this node's clade made an improvement, i.e. the share of
     * its descendants that beat their own parent's fitness, Laplace-smoothed ({@code (improved + 1) / (descendants + 2)}).
     * Counting improvements rather than averaging fitness matters: a partial fix whose children merely keep its
     * fitness is not productive, so it stops drawing the budget away from the root's untried edits.
     */
    public double cladeMetaproductivity(Node n) {
        int[] acc = new int[2];
        n.children.forEach(c -> walk(c, acc));
        return (acc[0] + 1.0) / (acc[1] + 2.0);
    }

    private static void walk(Node n, int[] acc) {
        if (n.fitness > n.parent.orElseThrow().fitness) {
            acc[0]++;
        }
        acc[1]++;
        n.children.forEach(c -> walk(c, acc));
    }

    /**
     * The node to expand: highest clade-metaproductivity plus an exploration bonus that shrinks with the number of
     * times the node itself was expanded (its children); ties go to the fitter node.
     */
    public Optional<Node> select(Predicate<Node> expandable) {
        Node best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        double logTotal = Math.log(nodes.size() + 1.0);
        for (Node n : nodes) {
            if (!expandable.test(n)) {
                continue;
            }
            double score = cladeMetaproductivity(n) + exploration * Math.sqrt(logTotal / (n.children.size() + 1));
            if (score > bestScore + 1e-12 || (Math.abs(score - bestScore) <= 1e-12 && n.fitness > best.fitness)) {
                best = n;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }
}
