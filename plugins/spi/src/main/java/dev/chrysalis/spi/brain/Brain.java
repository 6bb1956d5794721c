package dev.chrysalis.spi.brain;

/**
 * Decides a whole turn: which tools to call (through {@link BrainContext#invokeTool}) and what to answer.
 * The default brain asks the router; an LLM brain lets the model choose.
 */
public interface Brain {

    String name();

    TurnAnswer respond(TurnRequest request, BrainContext context);
}
