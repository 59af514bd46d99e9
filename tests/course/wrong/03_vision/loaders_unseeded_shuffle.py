# notebook: vision.ipynb
# cell: make_loaders
# loses: test_make_loaders, test_make_loaders_values
# why: shuffles without a generator seeded from `seed`, so the order changes from run to run
def make_loaders(train_data, test_data, batch_size, seed=0):
    train_loader = DataLoader(train_data, batch_size=batch_size, shuffle=True)
    test_loader = DataLoader(test_data, batch_size=batch_size, shuffle=False)
    return train_loader, test_loader
