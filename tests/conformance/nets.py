"""Small Petri nets built by hand for tests."""

from __future__ import annotations

from analytics.conformance.model import ProcessModel


def sequence_model(labels: list[str]) -> ProcessModel:
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    net = PetriNet("seq")
    places = [PetriNet.Place(f"p{i}") for i in range(len(labels) + 1)]
    for p in places:
        net.places.add(p)
    for i, label in enumerate(labels):
        t = PetriNet.Transition(f"t{i}", label)
        net.transitions.add(t)
        add_arc_from_to(places[i], t, net)
        add_arc_from_to(t, places[i + 1], net)
    return ProcessModel("seq", "pnml", net, Marking({places[0]: 1}), Marking({places[-1]: 1}))
