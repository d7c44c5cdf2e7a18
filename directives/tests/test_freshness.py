from directives import freshness


def test_many_small_answers_never_push_out_a_big_one(db):
    computed = []

    def big():
        computed.append("big")
        return ("the engine's map",)

    freshness.memo(("big",), big)
    for i in range(freshness.MAX_ENTRIES * 2):
        freshness.memo(("small", i), lambda i=i: (i,), small=True)
    assert freshness.memo(("big",), big) == ("the engine's map",)
    assert computed == ["big"]  # kept: the small answers live in a store of their own
    assert freshness.memo(("small", 0), lambda: ("again",), small=True) == (0,)


def test_a_write_drops_small_answers_too(db):
    freshness.memo(("small",), lambda: ("before",), small=True)
    freshness.bump()
    assert freshness.memo(("small",), lambda: ("after",), small=True) == ("after",)
