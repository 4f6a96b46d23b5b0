# Seed 004, "Futures - événements temporels" (call_later) and "utilitaires"
# (sleep): a sleep built from a Future and a timer of the loop. The C port is
# examples/future_sleep.c; tests/node/examples.test.mjs checks that CPython
# prints the lines the C program prints.
import asyncio


async def sleep(delay):
    loop = asyncio.get_running_loop()
    fut = loop.create_future()                   # the future the task waits on
    loop.call_later(delay, fut.set_result, None)  # the time event that completes it
    await fut                                    # the task leaves the ready queue


async def compte(nom, n, delai):
    for i in range(n):
        print(f"{nom} : {i}")
        await sleep(delai)
    print(f"{nom} : fini")
    return n


async def main():
    resultats = await asyncio.gather(compte("Tâche A", 3, 1.0), compte("Tâche B", 2, 1.4))
    print(f"Résultats : {resultats}")


asyncio.run(main())
