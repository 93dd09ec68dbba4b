// filled by the engine
