# Seed 004, "Gestionnaires de contexte asynchrones (contextlib)": an async
# with resource built from an async generator by asynccontextmanager; the
# code after the yield runs on every way out of the block. The C port is
# examples/asynccontext.c; tests/node/examples.test.mjs checks that CPython
# prints the lines the C program prints.
import asyncio
from contextlib import asynccontextmanager


@asynccontextmanager
async def connexion(nom):
    print(f"{nom} : ouverture")
    await asyncio.sleep(0.1)
    try:
        yield nom.upper()
    finally:
        print(f"{nom} : fermeture")
        await asyncio.sleep(0.1)
        print(f"{nom} : fermée")


async def client(nom, delai, echoue):
    try:
        async with connexion(nom) as c:
            print(f"{nom} : utilise {c}")
            await asyncio.sleep(delai)
            if echoue:
                raise ValueError(f"{nom} échoue")
            print(f"{nom} : terminé")
    except ValueError as e:
        print(f"{nom} : erreur : {e}")


async def main():
    await asyncio.gather(client("alice", 0.3, False), client("bob", 0.5, True))


asyncio.run(main())
