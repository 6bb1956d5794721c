package dev.chrysalis.governance.promotion;

/**
 * What recovery did for one plugin after a restart.
 *
 * @param finalState  PROMOTED (landed on the new digest) or ROLLED_BACK (landed on last-good)
 * @param live        the digest live afterwards ("" when the plugin is not installed)
 * @param explanation what the journal said and what was done
 */
public record RecoveryOutcome(String plugin, String promotion, PromotionState finalState, String live, boolean repaired,
                              String explanation) {
}
