"""Write the dataset's JSON Schema file after a model change: ``python -m journeys.exchange``."""

from journeys.exchange.dataset import write_schema

if __name__ == "__main__":
    print(write_schema())
