package resource

// AttrFinalSnapshot, set on the Live a delete is given, names the final
// snapshot the delete keeps of a type whose Descriptor has FinalSnapshot.
// The engine names it when it plans (so the plan and the confirm can say
// it); unset, the delete keeps none (`--no-final-snapshot`).
const AttrFinalSnapshot = "final_snapshot"
