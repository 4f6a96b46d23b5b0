# Seed 004, "Boucles événementielles (run_tasks)" and "Environnement
# asynchrone (interrupt)": a round-robin loop over plain coroutines, with no
# asyncio at all. Each pas (step) sends one coroutine to its next interrupt.
# The C port is examples/run_tasks.c, where weft's own loop is run_tasks,
# stepped one resume at a time; tests/node/examples.test.mjs checks that
# CPython prints the lines the C program prints.
import collections


class interrupt:
    def __await__(self):
        yield


async def compteur(nom, n):
    for i in range(n):
        print(f"{nom} : {i}")
        await interrupt()
    return f"{nom} a compté jusqu'à {n}"


def run_tasks(*taches):
    taches = collections.deque(taches)
    pas = 0
    while taches:
        nom, coro = taches.popleft()
        pas += 1
        try:
            coro.send(None)
        except StopIteration as fin:
            print(f"[pas {pas}] {nom} terminée : {fin.value}")
        else:
            print(f"[pas {pas}] {nom} interrompue, remise en queue")
            taches.append((nom, coro))


run_tasks(("Tâche 1", compteur("Tâche 1", 2)), ("Tâche 2", compteur("Tâche 2", 3)))
